import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from conditions.models import JargonTerm, KneeArea
from tests.factories import ConditionFactory, FAQFactory


@pytest.mark.django_db
def test_no_migrations_are_pending():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_migrations_create_the_four_knee_areas():
    assert list(KneeArea.objects.values_list("slug", flat=True)) == [
        "back",
        "front",
        "inner",
        "outer",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_readability_migrations_measure_what_is_there_and_ship_the_jargon_list():
    condition = ConditionFactory(
        summary="A swelling.", body="Posterolateral injuries necessitate evaluation. Rest."
    )
    faq = FAQFactory(answer="Rest your knee. Multidisciplinary rehabilitation helps.")
    measured = condition.reading_grade, faq.reading_grade
    call_command("migrate", "conditions", "0015_working_drafts_and_schedule", verbosity=0)
    call_command("migrate", "faq", "0007_schedule", verbosity=0)
    assert not Group.objects.filter(permissions__codename="add_jargonterm").exists()

    call_command("migrate", verbosity=0)
    condition.refresh_from_db()
    faq.refresh_from_db()
    assert (condition.reading_grade, faq.reading_grade) == measured
    assert None not in measured
    assert JargonTerm.objects.get(term="posterolateral").plain_words == "at the back and outer side"
    clinician = Group.objects.get(name="Clinician").permissions.values_list("codename", flat=True)
    staff = Group.objects.get(name="Content staff").permissions.values_list("codename", flat=True)
    assert {"add_jargonterm", "change_jargonterm", "delete_jargonterm"} <= set(clinician)
    assert "view_jargonterm" in staff and "change_jargonterm" not in staff
    assert "change_condition" in clinician
