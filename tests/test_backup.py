"""export_content and import_content round-trip everything, across SQLite and PostgreSQL."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conditions.management.commands.export_content import backup_models, is_history
from conditions.models import Condition, KneeArea, Status, Symptom, Tag, content_models
from faq.models import FAQ
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)

BASE_DIR = Path(__file__).resolve().parent.parent
PG_SERVER_URL = os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def content(db, django_user_model):
    reviewer = django_user_model.objects.create_user(
        "dr-jones", first_name="Ana", last_name="Jones", email="ana@example.org"
    )
    knee, swelling = TagFactory(name="Knee"), TagFactory(name="swelling")
    symptom = SymptomFactory(name="Swelling behind the knee", slug="swelling", tags=[swelling])
    treatment = TreatmentFactory(name="Ice pack", slug="ice-pack", tags=[knee])
    arthritis = ConditionFactory(name="Knee arthritis", slug="knee-arthritis")
    cyst = ConditionFactory(
        name="Baker's cyst",
        slug="bakers-cyst",
        alternate_names="popliteal cyst",
        urgency=Condition.Urgency.URGENT,
        urgent_help="Calf swollen and red: get help today.",
        tags=[knee, swelling],
        symptoms=[symptom],
        treatments=[treatment],
        related=[arthritis],
        knee_areas=["back"],
    )
    cyst.last_reviewed_on, cyst.next_review_due = date(2025, 1, 6), date(2028, 1, 6)
    cyst.reviewed_by = reviewer
    cyst.summary = "Edited after the first version, so there is history to keep."
    cyst.save()
    ConditionFactory(name="Draft condition", slug="draft", status=Status.DRAFT)
    FAQFactory(question="Will it come back?", slug="come-back", conditions=[cyst], tags=[knee])
    return cyst


def export(tmp_path, name="backup.json"):
    path = tmp_path / name
    call_command("export_content", str(path), verbosity=0)
    return path


def rows(path):
    backup = json.loads(path.read_text())
    return backup["objects"], backup["users"]


def empty_the_database():
    """Leave only what migrations make: delete content and tags first, then their history."""
    for model in [*content_models(), Tag]:
        model._default_manager.all().delete()
    for model in filter(is_history, backup_models()):
        model._default_manager.all().delete()


def test_export_then_import_into_an_empty_database_loses_nothing(content, tmp_path):
    before = export(tmp_path, "before.json")
    history_before = content.history.count()
    empty_the_database()
    assert not Condition.objects.exists() and not Tag.objects.exists()

    call_command("import_content", str(before), verbosity=0)

    after = export(tmp_path, "after.json")
    assert rows(after) == rows(before)
    cyst = Condition.objects.get(slug="bakers-cyst")
    assert sorted(cyst.tags.names()) == ["Knee", "swelling"]
    assert [s.slug for s in cyst.symptoms.all()] == ["swelling"]
    assert [c.slug for c in cyst.related.all()] == ["knee-arthritis"]
    assert [c.slug for c in Condition.objects.get(slug="knee-arthritis").related.all()] == [
        "bakers-cyst"
    ]
    assert [a.slug for a in cyst.knee_areas.all()] == ["back"]
    assert (cyst.reviewed_by.username, cyst.next_review_due) == ("dr-jones", date(2028, 1, 6))
    assert cyst.history.count() == history_before >= 2
    assert FAQ.objects.get().conditions.get() == cyst
    assert Condition.objects.get(slug="draft").status == Status.DRAFT


def test_times_come_back_to_the_microsecond(content, tmp_path):
    # Django's JSON encoder would write .000 for this, and the restore would differ.
    saved = datetime(2026, 1, 6, 12, 0, 0, 456, tzinfo=UTC)
    Condition.objects.filter(pk=content.pk).update(updated_at=saved)
    path = export(tmp_path)
    empty_the_database()

    call_command("import_content", str(path), verbosity=0)

    assert Condition.objects.get(slug="bakers-cyst").updated_at == saved
    assert rows(export(tmp_path, "again.json")) == rows(path)


def test_users_the_content_names_are_recreated_without_a_password(
    content, tmp_path, django_user_model
):
    path = export(tmp_path)
    empty_the_database()
    django_user_model.objects.all().delete()

    call_command("import_content", str(path), verbosity=0)

    reviewer = Condition.objects.get(slug="bakers-cyst").reviewed_by
    assert (reviewer.username, reviewer.get_full_name()) == ("dr-jones", "Ana Jones")
    assert not reviewer.has_usable_password()


def test_import_refuses_a_database_that_already_has_content(content, tmp_path):
    path = export(tmp_path)
    names_before = sorted(Condition.objects.values_list("name", flat=True))

    with pytest.raises(CommandError, match="already has .*conditions.*nothing was imported"):
        call_command("import_content", str(path), verbosity=0)

    assert sorted(Condition.objects.values_list("name", flat=True)) == names_before


def test_a_backup_with_a_broken_link_imports_nothing(content, tmp_path):
    path = export(tmp_path)
    backup = json.loads(path.read_text())
    for item in backup["objects"]:
        if item["model"] == "conditions.condition" and item["fields"]["slug"] == "bakers-cyst":
            item["fields"]["symptoms"] = [999999]
    path.write_text(json.dumps(backup))
    empty_the_database()

    with pytest.raises(CommandError, match="(?s)does not fit this database.*nothing was imported"):
        call_command("import_content", str(path), verbosity=0)

    assert not Condition.objects.exists()
    assert not Tag.objects.exists()
    assert KneeArea.objects.count() == 4


def test_a_version_1_backup_keeps_which_symptoms_the_checker_offers(content, tmp_path):
    # Version 1 named Symptom.in_symptom_checker "in_navigator".
    SymptomFactory(name="Stiffness", slug="stiffness", in_symptom_checker=False)
    path = export(tmp_path)
    backup = json.loads(path.read_text())
    backup["version"] = 1
    for item in backup["objects"]:
        if item["model"] in ("conditions.symptom", "conditions.historicalsymptom"):
            item["fields"]["in_navigator"] = item["fields"].pop("in_symptom_checker")
    path.write_text(json.dumps(backup))
    empty_the_database()

    call_command("import_content", str(path), verbosity=0)

    offered = Symptom.objects.filter(in_symptom_checker=True).values_list("slug", flat=True)
    assert list(offered) == ["swelling"]
    stiffness = Symptom.objects.get(slug="stiffness")
    assert [v.in_symptom_checker for v in stiffness.history.all()] == [False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "is not a JSON backup"),
        ('{"model": "conditions.condition"}', "is not a kneeinfo content backup"),
        ('{"format": "kneeinfo-content", "version": 99}', "backup version 99"),
    ],
)
def test_import_explains_a_file_that_is_not_a_backup(db, tmp_path, text, message):
    path = tmp_path / "backup.json"
    path.write_text(text)

    with pytest.raises(CommandError, match=message):
        call_command("import_content", str(path), verbosity=0)


def test_import_names_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read .*missing.json"):
        call_command("import_content", str(tmp_path / "missing.json"), verbosity=0)


def manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "x", "DEBUG": "0"}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


def round_trip_through(database_url, source, tmp_path):
    manage(database_url, "migrate", "--noinput")
    manage(database_url, "import_content", str(source))
    copy = tmp_path / "copy.json"
    manage(database_url, "export_content", str(copy))
    return copy


def postgres_server():
    """A connection to the PostgreSQL server, or None where none answers."""
    try:
        return psycopg.connect(PG_SERVER_URL, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError:
        return None


def test_backup_moves_to_a_fresh_sqlite_database(content, tmp_path, settings):
    # From whichever database the tests run on (PostgreSQL in the second run) to SQLite.
    on_sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if on_sqlite and (server := postgres_server()):
        server.close()
        pytest.skip(
            "each direction once: this run moves its backup to PostgreSQL (the next test), "
            "the PostgreSQL run moves its own to SQLite"
        )
    source = export(tmp_path)

    copy = round_trip_through(f"sqlite:///{tmp_path / 'copy.sqlite3'}", source, tmp_path)

    assert rows(copy) == rows(source)
    # The restore leaves the planner statistics on its rows (ANALYZE).
    with closing(sqlite3.connect(tmp_path / "copy.sqlite3")) as restored:
        analysed = {table for (table,) in restored.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"conditions_condition", "conditions_taggeditem"} <= analysed


def test_backup_moves_from_sqlite_to_a_fresh_postgresql_database(content, tmp_path, settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the PostgreSQL run moves its backup to SQLite instead")
    server = postgres_server()
    if server is None:
        pytest.skip(f"PostgreSQL at {PG_SERVER_URL} does not answer")
    name = f"kneeinfo_backup_{uuid.uuid4().hex[:12]}"
    server.execute(f'CREATE DATABASE "{name}"')
    try:
        source = export(tmp_path)
        copy = round_trip_through(PG_SERVER_URL.rsplit("/", 1)[0] + f"/{name}", source, tmp_path)
        assert rows(copy) == rows(source)
    finally:
        server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        server.close()
