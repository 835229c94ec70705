import io

import pytest
from django.core.management import call_command

from conditions.models import KneeArea


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
