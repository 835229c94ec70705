"""Readability: each content item's reading grade, measured now for what is already there; the
jargon list the editor's preview marks, with its first terms, edited by clinicians."""

import django.db.models.functions.text
from django.db import migrations, models

from kneeinfo.roles import group_permissions_add, group_permissions_remove

# The first terms: words patient-education reviews find patients misread, with plainer words.
SHIPPED_TERMS = {
    "acute": "sudden, or recent",
    "analgesic": "painkiller",
    "anterior": "front",
    "anterolateral": "at the front and outer side",
    "arthroplasty": "joint replacement",
    "arthroscopy": "surgery through small cuts, with a camera",
    "autoimmune": "when the body's defenses attack its own tissue",
    "avulsion": "a piece of bone pulled off with a tendon or ligament",
    "bilateral": "on both sides",
    "chondromalacia": "softening of the cartilage under the kneecap",
    "chronic": "long-lasting",
    "contusion": "bruise",
    "corticosteroid": "steroid medicine",
    "crepitus": "a grinding or crackling feeling",
    "cruciate": "crossed (the two ligaments inside the knee)",
    "debridement": "cleaning out damaged tissue",
    "degenerative": "caused by wear over time",
    "distal": "further from the body",
    "edema": "swelling",
    "effusion": "fluid in the knee",
    "embolism": "a blood clot that has moved in the blood",
    "etiology": "cause",
    "flexion": "bending",
    "gastrocnemius": "the large calf muscle",
    "hemarthrosis": "bleeding into the joint",
    "hyperextension": "bending too far backward",
    "idiopathic": "with no known cause",
    "lateral": "outer side",
    "medial": "inner side",
    "NSAID": "anti-inflammatory painkiller such as ibuprofen",
    "patellofemoral": "between the kneecap and the thighbone",
    "popliteal": "at the back of the knee",
    "popliteus": "a small muscle at the back of the knee",
    "posterior": "back",
    "posterolateral": "at the back and outer side",
    "posteromedial": "at the back and inner side",
    "prognosis": "how it is likely to go",
    "proprioception": "your sense of where your knee is and how it moves",
    "proximal": "nearer the body",
    "subluxation": "a partial dislocation",
    "synovial": "of the joint lining",
    "synovitis": "swelling of the joint lining",
    "tendinopathy": "tendon damage",
    "thrombosis": "a blood clot",
}
ROLE_PERMISSIONS = {
    "Clinician": [f"{action}_jargonterm" for action in ("add", "change", "delete", "view")],
    "Content staff": ["view_jargonterm"],
}
# What each content type's page shows patients as its text: {field: whether it is Markdown}.
GRADED = {
    "condition": {"summary": False, "body": True},
    "symptom": {"description": True},
    "treatment": {"description": True},
}


def terms_add(apps, schema_editor):
    JargonTerm = apps.get_model("conditions", "JargonTerm")
    for term, plain_words in SHIPPED_TERMS.items():
        JargonTerm.objects.get_or_create(term=term, defaults={"plain_words": plain_words})


def roles_add(apps, schema_editor):
    for group, codenames in ROLE_PERMISSIONS.items():
        group_permissions_add(apps, "conditions", group, codenames)


def roles_remove(apps, schema_editor):
    for group, codenames in ROLE_PERMISSIONS.items():
        group_permissions_remove(apps, "conditions", group, codenames)


def grades_measure(apps, schema_editor):
    # The app's measure, as saves use it from now on.
    from conditions.readability import grades_store

    for model_name, fields in GRADED.items():
        grades_store(apps.get_model("conditions", model_name), fields)


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0015_working_drafts_and_schedule'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='condition',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.AddField(
            model_name='historicalcondition',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.AddField(
            model_name='historicalsymptom',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.AddField(
            model_name='historicaltreatment',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.AddField(
            model_name='symptom',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.AddField(
            model_name='treatment',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.CreateModel(
            name='JargonTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('term', models.CharField(help_text='A word or phrase, as written; plurals and any case match too.', max_length=60)),
                ('plain_words', models.CharField(blank=True, help_text='Plainer words to say instead, or a short explanation, offered in the preview.', max_length=200)),
            ],
            options={
                'ordering': [django.db.models.functions.text.Lower('term')],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('term'), name='jargon_term_unique_any_case', violation_error_message='This term is already on the list.')],
            },
        ),
        migrations.RunPython(grades_measure, migrations.RunPython.noop),
        migrations.RunPython(terms_add, migrations.RunPython.noop),
        migrations.RunPython(roles_add, roles_remove),
    ]
