"""The symptom checker (/symptom-checker/): rank conditions by the symptoms a patient chose.

It never diagnoses: it lists conditions that share the chosen symptoms, most matches first, and
puts clinicians' red-flag advice above everything when the choices suggest an emergency.
"""

from collections import Counter
from typing import NamedTuple

from django import forms
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conditions.models import Condition, KneeArea, RedFlagRule, Status, Symptom, page_url
from kneeinfo.cache import generation_cached

RESULT_LIMIT = 20
# An area with at most this many conditions has its conditions read from its links and sorted by
# name; a bigger one is walked in name order off an index until enough are found. Walking reads
# about limit × conditions ÷ area size rows, sorting the area's size: they cross near
# √(20 × 10,000) ≈ 450.
SMALL_AREA = 500

AreaLink = Condition.knee_areas.through
SymptomLink = Condition.symptoms.through


class RankedCondition(NamedTuple):
    name: str
    url: str
    summary: str
    matched_symptoms: list
    area_match: int


class SymptomCheckerForm(forms.Form):
    """Choices come from lists the view has already fetched, so rendering costs no query."""

    symptom = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Which of these do you have?"),
    )
    onset = forms.ChoiceField(
        choices=[("", gettext_lazy("Not sure")), *Condition.Onset.choices[1:]],
        required=False,
        widget=forms.RadioSelect,
        label=gettext_lazy("How did it start?"),
    )
    area = forms.ChoiceField(required=False, label=gettext_lazy("Where does it hurt most?"))

    def __init__(self, *args, symptoms, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.symptoms = {symptom.slug: symptom for symptom in symptoms}
        self.areas = {area.slug: area for area in areas}
        self.fields["symptom"].choices = [(s.slug, s.name) for s in symptoms]
        # Area names are a fixed vocabulary, translated like the interface (KNEE_AREA_NAMES).
        self.fields["area"].choices = [("", _("Anywhere / not sure"))] + [
            (area.slug, _(area.name)) for area in areas
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


def knee_areas():
    """Every knee area with `condition_count`, its number of published conditions.

    Counting reads every area's links, so the answer is kept until content changes.
    """
    return generation_cached("knee-areas", count_knee_areas)


def count_knee_areas():
    """Every knee area with its number of published conditions, in their set order. One query.

    Counts all of an area's links and subtracts those to the few unpublished conditions:
    reading every linked condition's status cost several times as much.
    """
    unpublished = Condition.objects.exclude(status=Status.PUBLISHED).values("pk")
    areas = KneeArea.objects.annotate(
        condition_count=Count("conditions")
        - Count("conditions", filter=Q(conditions__in=unpublished))
    )
    # Django leaves Meta.ordering out of a query that groups: the order is given again.
    return list(areas.order_by("order", "name"))


def checker_symptoms():
    """The published symptoms offered as choices, by name. One query."""
    symptoms = Symptom.objects.published().filter(in_symptom_checker=True)
    return list(symptoms.only("name", "slug"))


def red_flags_for(chosen):
    """Active rules whose every symptom was chosen, by name. One query, none if none chosen."""
    chosen_ids = {symptom.pk for symptom in chosen}
    if not chosen_ids:
        return []  # a rule has at least one symptom, so none can fire
    rules = RedFlagRule.objects.active().alias(
        symptom_count=Count("symptoms"),
        chosen_count=Count("symptoms", filter=Q(symptoms__in=chosen_ids)),
    )
    rules = rules.filter(chosen_count=F("symptom_count"), chosen_count__gt=0)
    return list(rules.only("name", "urgency", "advice").order_by("name"))


def one_if(test):
    """1 where `test` holds, else 0."""
    return Case(When(test, then=Value(1)), default=Value(0))


def first_by_name(conditions, limit):
    """The ids of the first `limit` of `conditions` in case-blind name order, as a subquery.

    Picked in a subquery of their own: SQLite takes no LIMIT in a part of a UNION.
    """
    first = conditions.order_by(Lower("name")).values("pk")[:limit]
    return Condition.objects.filter(pk__in=first).order_by().values("pk")


def conditions_ranked(chosen, onset="", area=None, limit=RESULT_LIMIT):
    """Published conditions sharing the choices, best first, each with `matched_symptoms`
    (those of `chosen` it has, in the order of `chosen`). One query.

    Score: 3 per chosen symptom the condition has (a symptom chosen twice counts twice), 2 for
    the chosen area, 1 for the chosen onset; ties by name regardless of case. A condition is a
    candidate if it has a chosen symptom or is in the chosen area; with neither chosen, if it
    started the chosen way.

    Every condition with a chosen symptom is scored. The others in the area score alike (2, or
    3 with the chosen onset), as do, with only an onset chosen, those that started that way:
    only the first `limit` of each such tier by name can make the list, so only those are read,
    in name order off an index (condition_status_az, condition_status_onset_az).
    """
    if not chosen and area is None and not onset:
        return []
    weights = Counter(symptom.pk for symptom in chosen)
    published = Condition.objects.published()
    tiers = []
    if area is not None:
        in_area = Exists(AreaLink.objects.filter(condition=OuterRef("pk"), kneearea=area))
        if area.condition_count <= SMALL_AREA:
            tier = published.filter(knee_areas=area)
        else:
            tier = published.filter(in_area)
        tiers = [tier, tier.filter(onset=onset)] if onset else [tier]
    elif not chosen:
        tiers = [published.filter(onset=onset)]
    candidates = [first_by_name(tier, limit) for tier in tiers]
    if chosen:
        candidates.append(SymptomLink.objects.filter(symptom__in=weights).values("condition"))
    # One set of ids (not an OR of several), which PostgreSQL joins instead of testing every
    # condition against each.
    candidate_ids = candidates[0].union(*candidates[1:])

    # A column per chosen symptom: 1 if the condition has it. The cards list their matches
    # from these, and the score adds them up.
    has = {
        f"has_{pk}": one_if(
            Exists(SymptomLink.objects.filter(condition=OuterRef("pk"), symptom=pk))
        )
        for pk in weights
    }
    score = sum((3 * weight * F(f"has_{pk}") for pk, weight in weights.items()), Value(0))
    ranked = (
        published.filter(pk__in=candidate_ids)
        .annotate(
            **has,
            area_match=one_if(in_area) if area is not None else Value(0),
            onset_match=one_if(Q(onset=onset)) if onset else Value(0),
        )
        .annotate(score=score + 2 * F("area_match") + F("onset_match"))
        .order_by("-score", Lower("name"))
        .values("name", "slug", "summary", "area_match", "score", *has)[:limit]
    )
    results = []
    for row in ranked:
        matched = [s for s in dict.fromkeys(chosen) if row[f"has_{s.pk}"]]
        url = page_url("conditions:condition_detail", row["slug"])
        results.append(
            RankedCondition(row["name"], url, row["summary"], matched, row["area_match"])
        )
    return results
