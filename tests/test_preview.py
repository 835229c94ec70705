"""The change form's preview: the public page of what the form holds, rendered by the public
templates, for those who may see the item, and nothing saved."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conditions.models import Condition, Status, Symptom
from faq.models import FAQ
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)
from tests.test_roles import change_data, change_url

pytestmark = pytest.mark.django_db

HARD_BODY = (
    "Posterolateral corner injuries frequently accompany cruciate ligament disruption, "
    "necessitating comprehensive multidisciplinary evaluation and prolonged physiotherapeutic "
    "rehabilitation before any return to competitive sporting activities is contemplated."
)


def preview_url(item):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[item.pk])


def add_preview_url(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_preview_add")


def writes(queries):
    """The statements among captured `queries` that would change the database."""
    verbs = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


@pytest.fixture
def bakers_cyst():
    swelling = SymptomFactory(name="Swelling behind the knee", slug="swelling")
    hidden_symptom = SymptomFactory(name="Draft symptom", status=Status.DRAFT)
    rest = TreatmentFactory(name="Rest and ice", slug="rest")
    condition = ConditionFactory(
        name="Baker's cyst",
        slug="bakers-cyst",
        summary="A swelling behind the knee.",
        body="Saved body text.",
        symptoms=[swelling],
        treatments=[rest],
        tags=[TagFactory(name="swelling")],
    )
    condition.hidden_symptom = hidden_symptom
    return condition


def test_the_preview_renders_the_typed_text_with_the_public_template(clinician_client, bakers_cyst):
    ConditionFactory(name="Arthritis", slug="arthritis")
    data = change_data(
        bakers_cyst,
        summary="Typed summary.",
        body="## Typed heading\n\nIt can come with arthritis. " + HARD_BODY,
        urgency="urgent",
        urgent_help="A red, hot calf needs care today.",
        symptoms=[bakers_cyst.symptoms.get().pk, bakers_cyst.hidden_symptom.pk],
        tags="swelling, new typed topic",
    )
    response = clinician_client.post(preview_url(bakers_cyst), data)
    assert response.status_code == 200
    page = response.text
    assert '<p class="lead">Typed summary.</p>' in page
    assert "<h2>Typed heading</h2>" in page
    assert "Saved body text" not in page
    # Cross-links and the urgent-help callout, as on the public page.
    assert '<a href="/conditions/arthritis/">arthritis</a>' in page
    assert 'class="urgent urgent-urgent"' in page and "A red, hot calf needs care today." in page
    # Chosen symptoms as patients see them: published ones only.
    assert "Swelling behind the knee" in page and "Draft symptom" not in page
    assert "Rest and ice" in page
    assert "New typed topic" in page or "new typed topic" in page
    assert 'class="breadcrumbs"' in page and "Conditions A–Z" in page


def test_the_preview_shows_the_reading_figures_and_marks(clinician_client, bakers_cyst):
    data = change_data(bakers_cyst, summary="A swelling.", body=HARD_BODY)
    page = clinician_client.post(preview_url(bakers_cyst), data).text
    assert "above the target of grade 8" in page
    assert '<mark class="long-sentence"' in page
    assert '<mark class="jargon"' in page and ">Posterolateral</mark>" in page
    assert "jargon the page does not explain</mark>: cruciate, posterolateral" in page


def test_a_plain_page_is_within_the_target(clinician_client, bakers_cyst):
    data = change_data(bakers_cyst, summary="A lump.", body="Rest it. Put ice on it. Walk.")
    page = clinician_client.post(preview_url(bakers_cyst), data).text
    assert "within the target of grade 8" in page
    assert "<mark class=" not in page.split("</aside>", 1)[1]


def test_previewing_writes_nothing(clinician_client, bakers_cyst):
    data = change_data(bakers_cyst, body="Never saved", tags="brand new tag", sign_off="on")
    versions = bakers_cyst.history.count()
    with CaptureQueriesContext(connection) as queries:
        response = clinician_client.post(preview_url(bakers_cyst), data)
    assert response.status_code == 200
    assert writes(queries) == []
    bakers_cyst.refresh_from_db()
    assert bakers_cyst.body == "Saved body text."
    assert not bakers_cyst.is_signed_off
    assert bakers_cyst.history.count() == versions


def test_a_new_item_is_previewed_before_it_is_ever_saved(clinician_client):
    data = {
        "name": "Runner's knee",
        "slug": "runners-knee",
        "summary": "Pain around the kneecap.",
        "body": "It often comes from running.",
        "tags": "running",
    }
    response = clinician_client.post(add_preview_url(Condition), data)
    assert response.status_code == 200
    assert "<h1>Runner&#x27;s knee</h1>" in response.text
    assert "It often comes from running." in response.text
    assert not Condition.objects.exists()


@pytest.mark.parametrize(
    ("factory", "field", "public_text"),
    [
        (SymptomFactory, "description", "Conditions that can cause it"),
        (TreatmentFactory, "description", "Used for"),
        (FAQFactory, "answer", "All questions and answers"),
    ],
)
def test_symptoms_treatments_and_questions_preview_with_their_own_templates(
    clinician_client, factory, field, public_text
):
    item = factory()
    response = clinician_client.get(change_url(item))
    data = {
        name: value
        for name, value in response.context["adminform"].form.initial.items()
        if isinstance(value, str | int)
    }
    data[field] = "Typed text about the posterolateral corner."
    page = clinician_client.post(preview_url(item), data).text
    assert '<div class="body"><p>Typed text about the <mark class="jargon"' in page
    assert public_text in page


def test_a_questions_preview_lists_the_conditions_chosen_in_the_form(clinician_client):
    faq = FAQFactory(question="Is it serious?")
    chosen = ConditionFactory(name="Chosen condition")
    data = {"question": "Is it serious?", "slug": faq.slug, "answer": "No.", "order": 1}
    data["conditions"] = [chosen.pk]
    page = clinician_client.post(preview_url(faq), data).text
    assert "Chosen condition" in page
    assert not FAQ.objects.get(pk=faq.pk).conditions.exists()


# Who may preview ------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, bakers_cyst):
    response = client.post(preview_url(bakers_cyst), change_data(bakers_cyst))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_permission_on_the_model_are_refused(client, django_user_model):
    item = SymptomFactory()
    user = django_user_model.objects.create_user("other", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_condition"))
    client.force_login(user)
    assert client.post(preview_url(item), {"name": "X"}).status_code == 403
    assert client.post(add_preview_url(Symptom), {"name": "X"}).status_code == 403


def test_content_staff_preview_the_clinical_text_as_saved(staff_client, bakers_cyst):
    data = change_data(bakers_cyst, body="Crafted clinical text", alternate_names="Popliteal cyst")
    page = staff_client.post(preview_url(bakers_cyst), data).text
    assert "Saved body text." in page and "Crafted clinical text" not in page
    assert "Also called: Popliteal cyst" in page
    assert staff_client.post(add_preview_url(Condition), data).status_code == 403


def test_a_view_only_user_previews_the_saved_page(client, django_user_model, bakers_cyst):
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_condition"))
    client.force_login(user)
    page = client.post(preview_url(bakers_cyst), change_data(bakers_cyst, body="Typed")).text
    assert "Saved body text." in page


def test_the_preview_needs_the_csrf_token(clinician, bakers_cyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    assert client.post(preview_url(bakers_cyst), change_data(bakers_cyst)).status_code == 403
    form = client.get(change_url(bakers_cyst))
    token = form.context["csrf_token"]
    data = {**change_data(bakers_cyst), "csrfmiddlewaretoken": str(token)}
    assert client.post(preview_url(bakers_cyst), data).status_code == 200


def test_the_preview_answers_only_posts(clinician_client, bakers_cyst):
    assert clinician_client.get(preview_url(bakers_cyst)).status_code == 405


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"symptoms": ["not-a-number", "999999"], "related": ["-1"], "knee_areas": ["x"]},
        {"urgency": "made-up", "onset": "sometimes", "slug": "not a slug!"},
        {"summary": "", "body": "", "name": ""},
        {"body": "<script>alert(1)</script>[x](javascript:alert(1))" * 50},
        {"urgency": "immediate", "urgent_help": ""},
        {"edit_token": "from another time", "tags": '"unclosed, ,,'},
        {"next_review_due": "31/02/2026", "sign_off": "on", "publish": "on"},
    ],
    ids=["empty", "bad-links", "bad-choices", "blank", "hostile", "invalid", "stale", "date"],
)
def test_bad_input_gets_a_preview_never_an_error(clinician_client, bakers_cyst, overrides):
    data = {} if overrides == {} else change_data(bakers_cyst, **overrides)
    response = clinician_client.post(preview_url(bakers_cyst), data)
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "javascript:" not in response.text


@pytest.mark.parametrize("object_id", ["999999", "not-a-number", "1/2"])
def test_a_preview_of_no_such_item_is_a_404(clinician_client, object_id):
    url = reverse("admin:conditions_condition_preview", args=[object_id])
    assert clinician_client.post(url, {"name": "X"}).status_code == 404


# The change form and the frame -----------------------------------------------------------------


def test_the_change_form_offers_the_preview_button_without_javascript(
    clinician_client, bakers_cyst
):
    page = clinician_client.get(change_url(bakers_cyst)).text
    # Preview posts the form, as typed, into the frame beside it; Save stays the form's action.
    assert (
        f'<button type="submit" class="button" name="_preview" formaction="'
        f'{preview_url(bakers_cyst)}" formtarget="live-preview" formnovalidate' in page
    )
    assert '<iframe name="live-preview"' in page
    assert 'sandbox="allow-same-origin"' in page
    assert "admin/live-preview.js" in page
    assert '<textarea name="body" cols="40" rows="20"' in page


def test_only_the_preview_may_be_framed_and_only_by_the_site(clinician_client, bakers_cyst):
    form = clinician_client.get(change_url(bakers_cyst))
    preview = clinician_client.post(preview_url(bakers_cyst), change_data(bakers_cyst))
    assert form["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in form["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    policy = preview["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_preview_is_not_cached_or_indexed(clinician_client, bakers_cyst):
    response = clinician_client.post(preview_url(bakers_cyst), change_data(bakers_cyst))
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.text
