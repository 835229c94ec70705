"""import_translations on a site with the English seed and no translations: a dry run, and
files it refuses."""

import io

import pytest
from django.core.management import CommandError, call_command

from translations.models import Translation

pytestmark = pytest.mark.django_db

GOOD = '[conditions.meniscus-tear]\nname = "Desgarro de menisco"'


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dry_run_creates_nothing(seed_article):
    out = run("import_translations", "--dry-run")
    assert "Would create 54 Spanish translation(s)" in out
    assert not Translation.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[conditions.arthritis]\nname = "Artritis"\nonset = "gradual"\n', "onset"),
        ('[faqs.what-is-posterior-knee-pain]\nalternate_names = ["x"]\n', "alternate_names"),
        ('[tags.knee]\nname = "rodilla"\n', "[tags] is not one of"),
        ("[conditions.arthritis\n", "line 3"),
        ("[conditions.arthritis]\nname = 3\n", "is not text"),
    ],
)
def test_a_bad_file_is_refused_with_where_and_why_and_nothing_is_imported(
    seed_article, tmp_path, text, message
):
    bad = tmp_path / "es.toml"
    bad.write_text(f"{GOOD}\n{text}", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported") as error:
        run("import_translations", str(bad))
    assert message in str(error.value)
    assert not Translation.objects.exists()
