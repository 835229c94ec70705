"""The seed content in Spanish: shipped in translations/content/es.toml, loaded by seed_site as
the English seed is (published, not yet reviewed), once (issue 18, item 6)."""

import io

import pytest
from django.core.management import call_command

from conditions.models import Condition, RedFlagRule, Status, Symptom, Treatment
from faq.models import FAQ
from translations.models import Translation
from translations.services import translation_of

pytestmark = pytest.mark.django_db

ENGLISH_SEED = (Condition, Symptom, Treatment, FAQ, RedFlagRule)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_every_seed_item_is_in_spanish_published_and_not_yet_reviewed(seed_site):
    for model in ENGLISH_SEED:
        for item in model.objects.all():
            translation = translation_of(item, "es")
            assert translation is not None, f"{item} has no Spanish translation"
            assert translation.status == Status.PUBLISHED
            assert translation.reviewed_by is None and not translation.is_signed_off
            assert not translation.is_out_of_date(item)
            assert all(
                translation.values[name]
                for name in translation.spec.fields
                if str(getattr(item, name))
            )
    assert Translation.objects.count() == 54


def test_the_spanish_seed_gives_us_care_advice_where_the_english_does(seed_site):
    for translation in Translation.objects.all():
        english = translation.source_values
        spanish = " ".join(translation.values.values())
        for english_term, spanish_term in [
            ("911", "911"),
            ("emergency room", "sala de emergencias"),
            ("urgent care center", "centro de atención de urgencias"),
            ("your doctor", "su médico"),
        ]:
            if english_term in " ".join(english.values()):
                assert spanish_term in spanish, f"{translation}: {spanish_term!r} missing"


def test_the_spanish_seed_names_what_spanish_speakers_search_for(seed_site):
    bakers = translation_of(Condition.objects.get(slug="bakers-cyst"), "es")
    jumpers = translation_of(Condition.objects.get(slug="jumpers-knee"), "es")
    meniscus = translation_of(Condition.objects.get(slug="meniscus-tear"), "es")
    assert "Quiste poplíteo" in bakers.alternate_name_list
    assert "Tendinitis rotuliana" in jumpers.alternate_name_list
    assert jumpers.values["name"] == "Rodilla de saltador"
    assert "Menisco roto" in meniscus.alternate_name_list


def test_seed_site_and_import_translations_load_the_spanish_once(seed_site):
    assert "Translations already present" in run("seed_site")
    out = run("import_translations")
    assert "Created 0 Spanish translation(s)" in out and "54 already there" in out
    assert Translation.objects.count() == 54


def test_a_translation_a_clinician_changed_is_never_overwritten(seed_site, clinician):
    translation = translation_of(Condition.objects.get(slug="arthritis"), "es")
    translation.values = {**translation.values, "summary": "Un resumen revisado."}
    translation.save()
    run("import_translations")
    translation.refresh_from_db()
    assert translation.values["summary"] == "Un resumen revisado."


def test_a_deleted_seed_translation_comes_back_only_by_hand(seed_site):
    translation_of(FAQ.objects.get(slug="what-is-posterior-knee-pain"), "es").delete()
    run("seed_site")
    assert Translation.objects.count() == 53
    assert "Created 1 Spanish translation(s)" in run("import_translations")
