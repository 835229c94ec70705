"""Fill the database with synthetic content, to measure how the site behaves at scale.

Proportions follow a large clinical library: per condition about half a symptom and a third of a
treatment of its own (they are shared), 3-6 symptoms, 2-4 treatments, 0-3 related conditions,
1-2 knee areas and 3-6 tags each; a tag per ten conditions; an FAQ per four; 90 % published.
Rows are written with bulk_create, so no history is recorded for them.
"""

import random

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from conditions.models import Condition, KneeArea, Status, Symptom, Tag, TaggedItem, Treatment
from faq.models import FAQ
from kneeinfo.cache import content_changed

CHECKER_SYMPTOMS = 40
BATCH = 2000
WORDS = [
    "lateral",
    "medial",
    "anterior",
    "posterior",
    "patellar",
    "tibial",
    "femoral",
    "popliteal",
    "meniscal",
    "ligament",
    "tendon",
    "bursal",
    "cartilage",
    "synovial",
    "chronic",
    "acute",
    "recurrent",
    "degenerative",
    "traumatic",
    "juvenile",
    "inflammatory",
    "stress",
    "fat-pad",
    "plica",
    "hamstring",
    "quadriceps",
    "iliotibial",
    "osteo",
]
NOUNS = [
    "syndrome",
    "strain",
    "tear",
    "cyst",
    "tendinopathy",
    "bursitis",
    "impingement",
    "instability",
    "injury",
]
URGENCIES = [
    ("", ""),
    ("", ""),
    ("non_urgent", "Make an appointment with your doctor if it is no better after two weeks."),
    ("urgent", "Get care today if the knee is hot, red and swollen: call your doctor."),
    ("immediate", "Call 911 if your calf is swollen and you are short of breath."),
]


def phrase(rng, index, nouns=NOUNS):
    return f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.choice(nouns)} {index}"


def status(rng):
    return Status.PUBLISHED if rng.random() < 0.9 else rng.choice([Status.DRAFT, Status.IN_REVIEW])


def analyze():
    """Give the query planner statistics on the new rows, as autovacuum would later on PostgreSQL
    (and nothing ever does on SQLite).

    Without them PostgreSQL takes each table for nearly empty and picks poor plans, such as
    search filtering every published row instead of using its GIN indexes; SQLite takes every
    indexed equality for selective, and walks all 10,000 published conditions to find the five
    that share a page's topics. On PostgreSQL VACUUM also moves the GIN
    indexes' pending entries (rows inserted since the index was built) into the index proper,
    which every search would otherwise scan. VACUUM cannot run inside a transaction, so a
    caller's transaction gets ANALYZE alone.
    """
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


class Command(BaseCommand):
    help = "Generate synthetic conditions, symptoms, treatments, tags and FAQs (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--conditions", type=int, default=1000, help="How many conditions.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: same seed, same data."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Generate, report, then roll back."
        )

    def handle(self, *args, conditions, seed, dry_run, **options):
        if conditions < 1:
            raise CommandError("--conditions must be at least 1")
        if Condition.objects.filter(slug__startswith="generated-").exists():
            raise CommandError("generated content is already present: use a fresh database")
        rng = random.Random(seed)
        with transaction.atomic():
            counts = self.generate(rng, conditions)
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            content_changed()
            analyze()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        verb = "Would generate" if dry_run else "Generated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {summary}."))

    def generate(self, rng, n):
        n_symptoms, n_treatments = max(n // 2, 5), max(n // 3, 5)
        n_tags, n_faqs = max(n // 10, 5), max(n // 4, 1)
        text = "Generated for a load test. " * 20

        tags = Tag.objects.bulk_create(
            [Tag(name=f"generated topic {i}", slug=f"generated-topic-{i}") for i in range(n_tags)],
            batch_size=BATCH,
        )
        symptoms = Symptom.objects.bulk_create(
            [
                Symptom(
                    name=phrase(rng, i, ["pain", "swelling", "stiffness", "clicking", "locking"]),
                    slug=f"generated-symptom-{i}",
                    description=text,
                    status=status(rng),
                    # A clinic offers a few dozen symptoms in the checker, not thousands.
                    in_symptom_checker=i < CHECKER_SYMPTOMS,
                )
                for i in range(n_symptoms)
            ],
            batch_size=BATCH,
        )
        treatments = Treatment.objects.bulk_create(
            [
                Treatment(
                    name=phrase(rng, i, ["exercises", "brace", "injection", "surgery", "rest"]),
                    slug=f"generated-treatment-{i}",
                    kind=rng.choice(Treatment.Kind.values),
                    description=text,
                    status=status(rng),
                )
                for i in range(n_treatments)
            ],
            batch_size=BATCH,
        )
        items = []
        for i in range(n):
            urgency, advice = rng.choice(URGENCIES)
            items.append(
                Condition(
                    name=phrase(rng, i),
                    slug=f"generated-condition-{i}",
                    alternate_names=phrase(rng, i),
                    summary=f"A generated condition, number {i}, for load tests.",
                    body=text * 3,
                    urgency=urgency,
                    urgent_help=advice,
                    status=status(rng),
                )
            )
        conditions = Condition.objects.bulk_create(items, batch_size=BATCH)
        faqs = FAQ.objects.bulk_create(
            [
                FAQ(
                    question=f"Generated question {i}?",
                    slug=f"generated-question-{i}",
                    answer=text,
                    order=i,
                    status=status(rng),
                )
                for i in range(n_faqs)
            ],
            batch_size=BATCH,
        )

        areas = list(KneeArea.objects.all())
        links = {"symptoms": [], "treatments": [], "knee_areas": [], "related": [], "faqs": []}
        for condition in conditions:
            for symptom in rng.sample(symptoms, rng.randint(3, min(6, len(symptoms)))):
                links["symptoms"].append((condition.pk, symptom.pk))
            for treatment in rng.sample(treatments, rng.randint(2, min(4, len(treatments)))):
                links["treatments"].append((condition.pk, treatment.pk))
            for area in rng.sample(areas, min(rng.randint(1, 2), len(areas))):
                links["knee_areas"].append((condition.pk, area.pk))
            for other in rng.sample(conditions, min(rng.randint(0, 3), len(conditions))):
                if other.pk != condition.pk:
                    links["related"].append((condition.pk, other.pk))
                    links["related"].append((other.pk, condition.pk))  # symmetrical
        for faq in faqs:
            for condition in rng.sample(conditions, min(rng.randint(1, 3), len(conditions))):
                links["faqs"].append((faq.pk, condition.pk))

        for name in ("symptoms", "treatments", "knee_areas", "related"):
            field = Condition._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            pairs = set(links[name])
            through.objects.bulk_create(
                [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in pairs],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        faq_through = FAQ.conditions.through
        faq_through.objects.bulk_create(
            [faq_through(faq_id=a, condition_id=b) for a, b in set(links["faqs"])],
            batch_size=BATCH,
        )

        tagged = []
        for items, low, high in ((conditions, 3, 6), (symptoms, 1, 3), (treatments, 1, 3)):
            content_type = ContentType.objects.get_for_model(items[0])
            for item in items:
                for tag in rng.sample(tags, min(rng.randint(low, high), len(tags))):
                    tagged.append(TaggedItem(content_type=content_type, object_id=item.pk, tag=tag))
        faq_type = ContentType.objects.get_for_model(FAQ)
        for faq in faqs:
            for tag in rng.sample(tags, min(2, len(tags))):
                tagged.append(TaggedItem(content_type=faq_type, object_id=faq.pk, tag=tag))
        TaggedItem.objects.bulk_create(tagged, batch_size=BATCH)

        return {
            "conditions": len(conditions),
            "symptoms": len(symptoms),
            "treatments": len(treatments),
            "FAQs": len(faqs),
            "topics": len(tags),
            "links": sum(len(pairs) for pairs in links.values()),
            "tag uses": len(tagged),
        }
