"""Importing an article from the admin in a real browser: the file input, the preview, and the
confirmation that posts the previewed text back (a browser sends its line breaks as CR LF)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from conditions.models import ClinicianProfile, Condition, Status
from conditions.services.importing import SEED_ARTICLE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTICLE = Path(__file__).resolve().parent.parent / "conditions" / "articles" / "front-of-knee.html"
PASSWORD = "a-long-browser-password"


def test_a_clinician_uploads_previews_and_imports_an_html_article(
    live_server, django_user_model, in_chromium
):
    call_command("import_article", str(SEED_ARTICLE), verbosity=0)
    user = django_user_model.objects.create_user("ana", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Clinician"))
    ClinicianProfile.objects.create(user=user, registration_number="NY license 1")
    live_summary = Condition.objects.get(slug="bakers-cyst").summary

    def drive(browser):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "ana")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.click("#import-article a")
        page.set_input_files("#id_file", str(ARTICLE))
        page.click("input[value='Preview the import']")
        preview = page.inner_text("#content-main")
        page.click("input[name=confirm]")
        done = page.inner_text(".messagelist")
        return preview, done, errors

    preview, done, errors = in_chromium(drive)

    assert "Nothing has been written yet." in preview
    assert "Dropped <script> at lines 8, 29 and 51" in preview
    assert "Prepatellar Bursitis" in preview
    assert "Imported “Pain in Front of Knee – Common Causes”" in done
    assert [e for e in errors if "Content Security Policy" in e] == []
    assert Condition.objects.get(slug="prepatellar-bursitis").status == Status.IN_REVIEW
    assert Condition.objects.get(slug="bakers-cyst").summary == live_summary
