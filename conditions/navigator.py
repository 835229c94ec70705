"""The symptom checker (/symptom-checker/): rank conditions by the symptoms a patient chose.

It never diagnoses: it lists conditions that share the chosen symptoms, most matches first, and
puts clinicians' red-flag advice above everything when the choices suggest an emergency.

The queries are plain SQL returning plain tuples: building the same queries with the ORM and a
model instance per row cost several times the database's own time on this public page.
"""

from typing import NamedTuple

from django import forms
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from conditions.models import Condition, RedFlagRule, Status, page_url
from kneeinfo.cache import generation_cached

RESULT_LIMIT = 20


class Area(NamedTuple):
    pk: int
    name: str
    slug: str
    condition_count: int


class NavigatorSymptom(NamedTuple):
    pk: int
    name: str
    slug: str


class RankedCondition(NamedTuple):
    name: str
    url: str
    summary: str
    matched_symptoms: list
    area_match: int


class Choice(NamedTuple):
    """One checkbox, radio button or option, as the field's Django widget would draw it."""

    id: str
    value: str
    label: str
    checked: bool


class SymptomCheckerForm(forms.Form):
    """Choices come from lists the view has already fetched, so rendering costs no query."""

    symptom = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which of these do you have?",
    )
    onset = forms.ChoiceField(
        choices=[("", "Not sure"), *Condition.Onset.choices[1:]],
        required=False,
        widget=forms.RadioSelect,
        label="How did it start?",
    )
    area = forms.ChoiceField(required=False, label="Where does it hurt most?")

    def __init__(self, *args, symptoms, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.symptoms = {symptom.slug: symptom for symptom in symptoms}
        self.areas = {area.slug: area for area in areas}
        self.fields["symptom"].choices = [(s.slug, s.name) for s in symptoms]
        self.fields["area"].choices = [("", "Anywhere / not sure")] + [
            (area.slug, area.name) for area in areas
        ]

    def clean_symptom(self):
        # In checklist order (by name): the order a result card lists its matches in.
        order = list(self.symptoms)
        return [
            self.symptoms[slug] for slug in sorted(self.cleaned_data["symptom"], key=order.index)
        ]

    def clean_area(self):
        return self.areas.get(self.cleaned_data["area"])

    @property
    def has_choices(self):
        data = self.cleaned_data
        return bool(data.get("symptom") or data.get("area") or data.get("onset"))

    def choices(self, name):
        """Field `name`'s choices with the ids and checked state its widget would give them.

        The inputs are drawn from these: through Django's form renderer every checkbox is a
        template render of its own, and they were most of the page's time.
        """
        bound = self[name]
        selected = bound.field.widget.format_value(bound.value())
        return [
            Choice(f"{bound.auto_id}_{index}", str(value), label, str(value) in selected)
            for index, (value, label) in enumerate(bound.field.choices)
        ]

    @property
    def symptom_inputs(self):
        """The symptom checkboxes and their labels, marked up as CheckboxSelectMultiple would.

        Joined here, not looped over in the template: a loop pass cost ~14 us a checkbox, and
        the 10,000-condition content offers 57 symptoms (0.8 ms, a quarter of the page).
        """
        invalid = ' aria-invalid="true"' if self["symptom"].errors else ""
        return mark_safe(
            "".join(
                f'<div class="choice"><input type="checkbox" name="symptom"'
                f' value="{escape(c.value)}" id="{escape(c.id)}"{invalid}'
                f"{' checked' if c.checked else ''}>"
                f' <label for="{escape(c.id)}">{escape(c.label)}</label></div>'
                for c in self.choices("symptom")
            )
        )

    @property
    def onset_choices(self):
        return self.choices("onset")

    @property
    def area_choices(self):
        return self.choices("area")


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(values):
    return ", ".join(["%s"] * len(values))


UNPUBLISHED = [status for status in Status.values if status != Status.PUBLISHED]


def knee_areas():
    """Every knee area with `condition_count`, its number of published conditions.

    Counting reads every area's links, so the answer is kept until content changes.
    """
    return generation_cached("knee-areas", count_knee_areas)


def count_knee_areas():
    """Every knee area with its number of published conditions. One query.

    Counts all of an area's links and subtracts those to conditions that are not published.
    Checking the status of the few unpublished conditions is cheap; checking every linked
    condition's was the empty page's dearest query (at 10,000 conditions: SQLite 6 ms, now 1).
    """
    rows = fetch(
        f"""
        SELECT area.id, area.name, area.slug,
            (SELECT COUNT(*) FROM conditions_condition_knee_areas link
             WHERE link.kneearea_id = area.id)
            - (SELECT COUNT(*) FROM conditions_condition_knee_areas link
               WHERE link.kneearea_id = area.id AND link.condition_id IN (
                   SELECT id FROM conditions_condition
                   WHERE status IN ({placeholders(UNPUBLISHED)})))
        FROM conditions_kneearea area
        ORDER BY area."order", area.name
        """,
        UNPUBLISHED,
    )
    return [Area(*row) for row in rows]


def navigator_symptoms():
    """The published symptoms offered as choices, by name. One query."""
    rows = fetch(
        """
        SELECT id, name, slug FROM conditions_symptom
        WHERE in_navigator = %s AND status = %s
        ORDER BY name
        """,
        [True, Status.PUBLISHED],
    )
    return [NavigatorSymptom(*row) for row in rows]


def red_flags_for(chosen):
    """Active rules whose every symptom was chosen, by name. One query, none if none chosen."""
    chosen_ids = list({symptom.pk for symptom in chosen})
    if not chosen_ids:
        return []  # a rule has at least one symptom, so none can fire
    rows = fetch(
        f"""
        SELECT rule.id, rule.name, rule.urgency, rule.advice
        FROM conditions_redflagrule rule
        WHERE rule.is_active
            AND EXISTS (SELECT 1 FROM conditions_redflagrule_symptoms link
                        WHERE link.redflagrule_id = rule.id)
            AND NOT EXISTS (SELECT 1 FROM conditions_redflagrule_symptoms link
                            WHERE link.redflagrule_id = rule.id
                                AND link.symptom_id NOT IN ({placeholders(chosen_ids)}))
        ORDER BY rule.name
        """,
        chosen_ids,
    )
    return [
        RedFlagRule(id=id, name=name, urgency=urgency, advice=advice)
        for id, name, urgency, advice in rows
    ]


# An area with at most this many conditions has its candidates read from its links and sorted;
# a bigger one is walked in name order until enough are found. Walking reads about
# limit x conditions / area size rows, sorting the area's size: they cross near
# sqrt(20 x 10,000) = 450. (Walked, a 5-condition area took 10.5 ms at 10,000 conditions.)
SMALL_AREA = 500
IN_AREA = (
    "EXISTS (SELECT 1 FROM conditions_condition_knee_areas link"
    " WHERE link.condition_id = c.id AND link.kneearea_id = %s)"
)


def conditions_ranked(chosen, onset="", area=None, limit=RESULT_LIMIT):
    """Published conditions sharing the choices, best first, each with `matched_symptoms`
    (those of `chosen` it has, in the order of `chosen`).

    Score: 3 per chosen symptom the condition has, 2 for the chosen area, 1 for the chosen
    onset; ties by name regardless of case. One query however many conditions there are.

    Only the conditions with a chosen symptom are scored one by one. Every other candidate
    scores what the rest of its tier does (the area, with or without the onset; or the onset
    alone), so a tier is read in name order off an index and stops after `limit` rows. Scoring
    and sorting every candidate grew with the site: 10,000 conditions put ~3,700 at the back.
    """
    if not chosen and area is None and not onset:
        return []
    # A column per chosen symptom (a repeated one counts twice, as it always has) saying whether
    # the condition has it, so the cards can list their matches without another query.
    flags = [f"m{index}" for index in range(len(chosen))]
    ids = [symptom.pk for symptom in chosen]
    parts = [with_chosen_symptoms(ids, flags, onset, area)] if ids else []
    # The tiers, by how their conditions' onset compares with the chosen one (None: any onset).
    # Outside an area the onset alone makes candidates, but only when no symptom was chosen.
    if area is not None and onset:
        tiers = ["=", "<>"]
    elif area is not None:
        tiers = [None]
    else:
        tiers = [] if ids else ["="]
    parts += [tier_without_chosen_symptoms(ids, flags, onset, area, op, limit) for op in tiers]
    score = [f"3 * {name}" for name in flags] + ["2 * area_match", "onset_match"]
    rows = fetch(
        f"""
        SELECT name, slug, summary, area_match{"".join(f", {name}" for name in flags)}
        FROM ({" UNION ALL ".join(sql for sql, _ in parts)}) AS ranked
        ORDER BY {" + ".join(score)} DESC, LOWER(name)
        LIMIT %s
        """,
        [*(param for _, params in parts for param in params), limit],
    )
    results = []
    for name, slug, summary, area_match, *hits in rows:
        matched = []
        for symptom, hit in zip(chosen, hits, strict=True):
            if hit and symptom not in matched:
                matched.append(symptom)
        url = page_url("conditions:condition_detail", slug)
        results.append(RankedCondition(name, url, summary, matched, area_match))
    return results


def with_chosen_symptoms(ids, flags, onset, area):
    """SQL and parameters: every published condition with a chosen symptom, with its matches.

    They are read from the links to the chosen symptoms, so there are as many as share them.
    """
    area_match, onset_match, params = "0", "0", []
    if area is not None:
        area_match = f"CASE WHEN {IN_AREA} THEN 1 ELSE 0 END"
        params.append(area.pk)
    if onset:
        onset_match = "CASE WHEN c.onset = %s THEN 1 ELSE 0 END"
        params.append(onset)
    most = "".join(
        f", MAX(CASE WHEN symptom_id = %s THEN 1 ELSE 0 END) AS {name}" for name in flags
    )
    sql = f"""
        SELECT c.name, c.slug, c.summary, {area_match} AS area_match,
            {onset_match} AS onset_match{"".join(f", matched.{name}" for name in flags)}
        FROM (SELECT condition_id{most}
              FROM conditions_condition_symptoms
              WHERE symptom_id IN ({placeholders(ids)})
              GROUP BY condition_id) AS matched
        JOIN conditions_condition c ON c.id = matched.condition_id
        WHERE c.status = %s
        """
    return sql, [*params, *ids, *ids, Status.PUBLISHED]


def tier_without_chosen_symptoms(ids, flags, onset, area, onset_op, limit):
    """SQL and parameters: the first `limit` by name of the published conditions in the chosen
    area (or, with no area, of any) that have none of the chosen symptoms and whose onset
    compares with the chosen one by `onset_op` ("=", "<>", or None for any onset).

    The database walks the conditions in name order (condition_status_az, or for one onset
    condition_status_onset_az) checking each one's links, and stops at `limit`: a few dozen
    rows for an area holding a third of the conditions. A small area's conditions are read from
    its links instead, and sorted (SMALL_AREA).
    """
    source, tests, params = "conditions_condition c", ["c.status = %s"], [Status.PUBLISHED]
    if area is not None and area.condition_count <= SMALL_AREA:
        source = (
            "conditions_condition_knee_areas area_link"
            " JOIN conditions_condition c ON c.id = area_link.condition_id"
        )
        tests.insert(0, "area_link.kneearea_id = %s")
        params.insert(0, area.pk)
    elif area is not None:
        tests.append(IN_AREA)
        params.append(area.pk)
    if ids:
        tests.append(
            "NOT EXISTS (SELECT 1 FROM conditions_condition_symptoms link"
            f" WHERE link.condition_id = c.id AND link.symptom_id IN ({placeholders(ids)}))"
        )
        params += ids
    if onset_op:
        tests.append(f"c.onset {onset_op} %s")
        params.append(onset)
    sql = f"""
        SELECT * FROM (
            SELECT c.name, c.slug, c.summary, {int(area is not None)} AS area_match,
                {int(onset_op == "=")} AS onset_match{"".join(f", 0 AS {name}" for name in flags)}
            FROM {source}
            WHERE {" AND ".join(tests)}
            ORDER BY LOWER(c.name)
            LIMIT %s) AS tier
        """
    return sql, [*params, limit]
