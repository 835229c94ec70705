"""The symptom checker (/symptom-checker/): rank conditions by the symptoms a patient chose.

It never diagnoses: it lists conditions that share the chosen symptoms, most matches first, and
puts clinicians' red-flag advice above everything when the choices suggest an emergency.
"""

from django import forms
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Lower

from conditions.models import Condition, RedFlagRule, Symptom

RESULT_LIMIT = 20


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
        return [self.symptoms[slug] for slug in self.cleaned_data["symptom"]]

    def clean_area(self):
        return self.areas.get(self.cleaned_data["area"])

    @property
    def has_choices(self):
        data = self.cleaned_data
        return bool(data.get("symptom") or data.get("area") or data.get("onset"))


def navigator_symptoms():
    return Symptom.objects.published().filter(in_navigator=True).only("name", "slug")


def red_flags_for(chosen):
    """Active rules whose every symptom was chosen. Two queries."""
    chosen_ids = {symptom.pk for symptom in chosen}
    rules = RedFlagRule.objects.active().prefetch_related("symptoms")
    return [
        rule
        for rule in rules
        if (rule_ids := {s.pk for s in rule.symptoms.all()}) and rule_ids <= chosen_ids
    ]


def conditions_ranked(chosen, onset="", area=None, limit=RESULT_LIMIT):
    """Published conditions sharing the choices, best first, each with `matched_symptoms`.

    Two queries however many conditions there are: the ranking runs in the database.
    """
    chosen_ids = [symptom.pk for symptom in chosen]
    if not chosen_ids and area is None and not onset:
        return []
    candidates = Q(symptoms__in=chosen_ids)
    area_match = Value(0)
    if area is not None:
        candidates |= Q(knee_areas=area)
        area_match = Count("knee_areas", filter=Q(knee_areas=area), distinct=True)
    if not chosen_ids and area is None:
        candidates = Q(onset=onset)
    onset_match = Case(When(onset=onset, then=1), default=0, output_field=IntegerField())
    return list(
        Condition.objects.published()
        .filter(candidates)
        .annotate(
            matched_count=Count("symptoms", filter=Q(symptoms__in=chosen_ids), distinct=True),
            area_match=area_match,
            onset_match=onset_match if onset else Value(0),
        )
        .annotate(score=F("matched_count") * 3 + F("area_match") * 2 + F("onset_match"))
        .order_by("-score", Lower("name"))
        .only("name", "slug", "summary", "urgency")
        .prefetch_related(
            Prefetch(
                "symptoms",
                Symptom.objects.filter(pk__in=chosen_ids).only("name", "slug"),
                to_attr="matched_symptoms",
            )
        )[:limit]
    )
