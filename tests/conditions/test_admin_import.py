"""Importing an article from the admin: upload, a preview that writes nothing, a confirmation that
imports everything in one transaction (or nothing), the rules for a site that has content, and
who may do what. The article is the tests' own (tests/conditions/articles/front-of-knee.*): four
conditions, one of them (Baker's Cyst) already on the seeded site, three questions, keywords."""

import io
from pathlib import Path

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client

from conditions.admin_import import PREVIEW_MAX_AGE
from conditions.models import Condition, Status, Symptom, Tag
from conditions.services.drafts import with_draft
from faq.models import FAQ
from tests.conditions.test_import import snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_article")]

ARTICLES = Path(__file__).resolve().parent / "articles"
HTML = ARTICLES / "front-of-knee.html"
URL = "/admin/conditions/condition/import/"
NEW_CONDITIONS = {
    "Patellofemoral Pain Syndrome",
    "Osgood-Schlatter Disease",
    "Prepatellar Bursitis",
}
NEW_SUMMARY = (
    "Baker’s cyst is a fluid-filled swelling at the back of the knee that often follows another "
    "knee problem, such as arthritis or a meniscus tear."
)


def upload(client, data, name="front-of-knee.html"):
    if isinstance(data, Path):
        data = data.read_bytes()
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def confirm(client, preview, **changes):
    form = preview.context["confirm_form"]
    data = {"text": form.initial["text"], "token": form.initial["token"], "confirm": "Import"}
    return client.post(URL, {**data, **changes})


def page(response):
    return response.content.decode()


def test_the_preview_shows_what_would_be_created_and_changed_and_writes_nothing(
    clinician_client,
):
    before = snapshot()

    response = upload(clinician_client, HTML)

    assert response.status_code == 200
    assert snapshot() == before
    html = page(response)
    assert "Nothing has been written yet." in html
    assert "front-of-knee.html was read as HTML" in html
    report = response.context["report"]
    created = {(c.kind, c.name, c.status) for c in report.created}
    assert {(k, n, s) for k, n, s in created if k == "condition"} == {
        ("condition", name, "in review") for name in NEW_CONDITIONS
    }
    assert {n for k, n, _ in created if k == "FAQ"} == {
        "Why does the front of my knee hurt when I climb stairs?",
        "Is a bump below the kneecap in my child serious?",
        "Should I keep running with pain in the front of my knee?",
    }
    # Baker's Cyst is on the site already: its new text is a diff, not a new page.
    (bakers,) = [c for c in report.updated if c.kind == "condition"]
    assert bakers.name == "Baker’s Cyst"
    assert [label for label, _, _ in bakers.fields] == ["summary", "body"]
    assert "the live page keeps its text" in bakers.status
    assert "<del>" in html and "<ins>fluid-filled</ins>" in html
    # Keywords: new topics, and one that joins an existing topic.
    assert "front of knee" in report.new_tags
    assert ("injuries", "injury") in report.folded_keywords
    assert "“injuries” joins “injury”" in html
    # What HTML carried that is never imported, by element and line.
    assert "Dropped &lt;script&gt; at lines 8, 29 and 51: scripts are never imported." in html
    assert "Dropped the onclick attribute of &lt;p&gt; at line 42" in html
    assert 'name="confirm"' in html


@pytest.mark.parametrize("name", ["front-of-knee.txt", "front-of-knee.md"])
def test_plain_text_and_markdown_preview_as_the_html_does(clinician_client, name):
    html = upload(clinician_client, HTML).context["report"]
    other = upload(clinician_client, ARTICLES / name, name="article").context["report"]

    assert other.format == {"front-of-knee.txt": "plain text", "front-of-knee.md": "Markdown"}[name]
    assert [c.as_data() for c in other.items] == [c.as_data() for c in html.items]
    assert other.warnings == []


def test_confirm_imports_new_items_in_review_and_existing_text_as_a_draft(clinician_client):
    live_summary = Condition.objects.get(slug="bakers-cyst").summary
    preview = upload(clinician_client, HTML)

    response = confirm(clinician_client, preview)

    assert response.status_code == 302
    assert response["Location"].endswith("?status__exact=in_review")
    new = Condition.objects.filter(name__in=NEW_CONDITIONS)
    assert {c.status for c in new} == {Status.IN_REVIEW}
    assert FAQ.objects.filter(question__startswith="Is a bump below").get().status == (
        Status.IN_REVIEW
    )
    bakers = Condition.objects.get(slug="bakers-cyst")
    assert bakers.status == Status.PUBLISHED
    assert bakers.summary == live_summary  # the live page keeps its text...
    assert with_draft(bakers).summary == NEW_SUMMARY  # ...and the draft waits for a clinician
    patient = Client()
    public = page(patient.get("/conditions/bakers-cyst/"))
    assert live_summary.split()[3] in public and "fluid-filled swelling at the back" not in public
    assert patient.get("/conditions/prepatellar-bursitis/").status_code == 404
    # Links and topics are added, never removed; nothing active was stored.
    assert {"swelling", "baker"} <= {t.name for t in bakers.tags.all()}
    stored = " ".join(c.body for c in new)
    assert "dataLayer" not in stored and "onclick" not in stored


def test_uploading_the_same_file_again_changes_nothing(clinician_client):
    confirm(clinician_client, upload(clinician_client, HTML))
    before = snapshot()

    again = upload(clinician_client, HTML)

    assert "Nothing to change" in page(again)
    assert not again.context["report"].changed
    assert 'name="confirm"' not in page(again)
    # Confirming it anyway (a second tab) writes nothing either.
    confirm(clinician_client, again)
    assert snapshot() == before


def test_cancel_writes_nothing(clinician_client):
    before = snapshot()
    preview = upload(clinician_client, HTML)

    assert f'href="{URL}" class="closelink">Cancel</a>' in page(preview)
    assert clinician_client.get(URL).status_code == 200
    assert snapshot() == before


def test_a_failure_mid_import_rolls_everything_back(clinician_client):
    preview = upload(clinician_client, HTML)
    before = snapshot()
    # The last question is written after the conditions, tags and the other questions.
    refuse_last_question()

    with pytest.raises(DatabaseError, match="refused by a test trigger"):
        confirm(clinician_client, preview)

    assert snapshot() == before
    assert not Tag.objects.filter(name="front of knee").exists()


def refuse_last_question():
    """A trigger in the database that refuses the article's last question."""
    slug = "should-i-keep-running-with-pain-in-the-front-of-my-knee"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_question() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.slug = '{slug}' THEN RAISE EXCEPTION 'refused by a test trigger'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_question BEFORE INSERT ON faq_faq "
                "FOR EACH ROW EXECUTE FUNCTION refuse_question()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_question BEFORE INSERT ON faq_faq "
                f"WHEN NEW.slug = '{slug}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
            )


def test_a_site_changed_since_the_preview_is_previewed_again_before_anything_is_written(
    clinician_client,
):
    preview = upload(clinician_client, HTML)
    Condition.objects.create(name="Prepatellar Bursitis", slug="prepatellar-bursitis", summary="S.")
    before = snapshot()

    response = confirm(clinician_client, preview)

    assert snapshot() == before
    assert "The site changed since the preview" in page(response)
    assert "Prepatellar Bursitis" in {c.name for c in response.context["report"].updated}
    # The new preview can be confirmed.
    assert confirm(clinician_client, response).status_code == 302
    assert Condition.objects.get(slug="osgood-schlatter-disease").status == Status.IN_REVIEW


def test_a_browser_sends_the_text_back_with_crlf_and_it_still_confirms(clinician_client):
    preview = upload(clinician_client, HTML)
    text = preview.context["confirm_form"].initial["text"].replace("\n", "\r\n")

    assert confirm(clinician_client, preview, text=text).status_code == 302
    assert Condition.objects.filter(slug="osgood-schlatter-disease").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "Another text"}, "The text is not the one previewed."),
        ({"token": "forged"}, "The preview could not be confirmed."),
    ],
)
def test_a_confirmation_that_is_not_the_previews_writes_nothing(clinician_client, change, message):
    preview = upload(clinician_client, HTML)
    before = snapshot()

    response = confirm(clinician_client, preview, **change)

    assert snapshot() == before
    assert message in page(clinician_client.get(response["Location"]))


def test_an_old_preview_cannot_be_confirmed(clinician_client, monkeypatch):
    preview = upload(clinician_client, HTML)
    before = snapshot()
    later = signing.time.time() + PREVIEW_MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = confirm(clinician_client, preview)

    assert snapshot() == before
    assert "The preview is over 60 minutes old." in page(clinician_client.get(response["Location"]))


def test_another_users_preview_cannot_be_confirmed(clinician_client, django_user_model):
    preview = upload(clinician_client, HTML)
    other = django_user_model.objects.create_superuser("other", password="x-long-password-1")
    before = snapshot()
    other_client = Client()
    other_client.force_login(other)

    confirm(other_client, preview)

    assert snapshot() == before


BAD = {
    "over 2 MB": (b"a" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB"),
    "a PDF": (b"%PDF-1.7\n", "the file is a PDF document, not text"),
    "binary": (b"Title\n\nbin\x00ary", "line 3: the file holds binary data"),
    "not UTF-8": (b"Title\n\nCaf\xe9", "line 3: the file is not UTF-8 text (byte 0xe9)"),
    "no sections": (
        b"<h1>Knee</h1><p>Intro.</p><p>knee, pain, rest, injury</p>",
        "the article has no condition sections (&lt;h2&gt; headings)",
    ),
    "empty": (b"", "The submitted file is empty."),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_files_get_a_clear_message_and_nothing_is_written(clinician_client, case):
    data, message = BAD[case]
    before = snapshot()

    response = upload(clinician_client, data, name="article.html")

    assert response.status_code == 200
    assert message in page(response)
    assert "Nothing has been written yet" not in page(response)
    assert snapshot() == before


def test_content_staff_preview_but_only_clinicians_confirm(staff_client, clinician):
    before = snapshot()
    preview = upload(staff_client, HTML)

    assert preview.status_code == 200
    assert 'name="confirm"' not in page(preview)
    assert "A clinician can import this article" in page(preview)
    assert confirm(staff_client, preview).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ["front_desk", "clinic_manager"])
def test_roles_that_edit_no_content_cannot_open_the_import(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403
    assert upload(client, HTML).status_code == 403
    assert "Import an article" not in page(client.get("/admin/"))


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_import_is_linked_from_the_admin_index_and_the_condition_list(clinician_client):
    for url in ("/admin/", "/admin/conditions/condition/"):
        assert f'href="{URL}"' in page(clinician_client.get(url))


def test_import_article_command_keeps_the_same_rules(tmp_path):
    out = io.StringIO()
    call_command("import_article", str(ARTICLES / "front-of-knee.md"), stdout=out)

    assert {c.status for c in Condition.objects.filter(name__in=NEW_CONDITIONS)} == {
        Status.IN_REVIEW
    }
    assert Condition.objects.get(slug="bakers-cyst").summary != NEW_SUMMARY
    assert "conditions: 3 created, 1 updated, 0 unchanged" in out.getvalue()
    again = io.StringIO()
    call_command("import_article", str(ARTICLES / "front-of-knee.txt"), stdout=again)
    assert "nothing to change" in again.getvalue()


def test_import_article_dry_run_prints_the_preview():
    out = io.StringIO()
    call_command("import_article", str(HTML), "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Read as HTML: Pain in Front of Knee – Common Causes" in text
    assert "  condition: Prepatellar Bursitis (in review)" in text
    assert "  condition: Baker’s Cyst (a working draft" in text
    assert f"      + {NEW_SUMMARY}" in text
    assert "Warning: Dropped <script> at lines 8, 29 and 51" in text
    assert not Condition.objects.filter(slug="prepatellar-bursitis").exists()
    assert not Symptom.objects.filter(status=Status.IN_REVIEW).exists()
