"""factory_boy factories for every content model; published unless a test says otherwise."""

import factory

from conditions.models import Condition, KneeArea, Status, Symptom, Tag, Treatment
from faq.models import FAQ
from feedback.models import Feedback


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"topic {n}")


class ContentFactory(factory.django.DjangoModelFactory):
    status = Status.PUBLISHED

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(list(extracted))


class SymptomFactory(ContentFactory):
    class Meta:
        model = Symptom
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Symptom {n}")
    slug = factory.Sequence(lambda n: f"symptom-{n}")
    description = "What it feels like."


class TreatmentFactory(ContentFactory):
    class Meta:
        model = Treatment
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Treatment {n}")
    slug = factory.Sequence(lambda n: f"treatment-{n}")
    kind = Treatment.Kind.SELF_CARE
    description = "What it involves."


class ConditionFactory(ContentFactory):
    class Meta:
        model = Condition
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.Sequence(lambda n: f"condition-{n}")
    summary = "A short summary."
    body = "The full text."

    @factory.post_generation
    def symptoms(self, create, extracted, **kwargs):
        if create and extracted:
            self.symptoms.set(extracted)

    @factory.post_generation
    def treatments(self, create, extracted, **kwargs):
        if create and extracted:
            self.treatments.set(extracted)

    @factory.post_generation
    def related(self, create, extracted, **kwargs):
        if create and extracted:
            self.related.set(extracted)

    @factory.post_generation
    def knee_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.knee_areas.set(KneeArea.objects.filter(slug__in=extracted))


class FAQFactory(ContentFactory):
    class Meta:
        model = FAQ
        skip_postgeneration_save = True

    question = factory.Sequence(lambda n: f"Question {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    answer = "An answer."
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def conditions(self, create, extracted, **kwargs):
        if create and extracted:
            self.conditions.set(extracted)


class KneeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KneeArea
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Area {n} of the knee")
    slug = factory.Sequence(lambda n: f"area-{n}")
    order = factory.Sequence(lambda n: 100 + n)


class FeedbackFactory(factory.django.DjangoModelFactory):
    """An answer to "Was this page helpful?", about a new published condition unless given."""

    class Meta:
        model = Feedback

    page = factory.SubFactory(ConditionFactory)
    helpful = False
