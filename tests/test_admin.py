"""The clinicians' admin: every content screen works for a superuser and for a staff member who
holds only the content models' permissions, and what a clinician saves is what patients see."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from conditions.models import Condition, Status, Tag
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    KneeAreaFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)
from tests.test_cache import generation_writes

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    ("conditions", "condition"),
    ("conditions", "symptom"),
    ("conditions", "treatment"),
    ("faq", "faq"),
]
ALL_MODELS = [*CONTENT_MODELS, ("conditions", "tag"), ("conditions", "kneearea")]
MODEL_IDS = [model for _, model in ALL_MODELS]

# The field that names an item on each model's form.
TITLE_FIELD = {
    "condition": "name",
    "symptom": "name",
    "treatment": "name",
    "faq": "question",
    "tag": "name",
    "kneearea": "name",
}

FACTORIES = {
    "condition": ConditionFactory,
    "symptom": SymptomFactory,
    "treatment": TreatmentFactory,
    "faq": FAQFactory,
}


def admin_url(app_label, model, view, *args):
    return reverse(f"admin:{app_label}_{model}_{view}", args=args)


@pytest.fixture
def model_permissions_client(django_user_model):
    """A staff member holding only the content models' permissions (a clinician's rights)."""
    user = django_user_model.objects.create_user("clinician", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in={app for app, _ in ALL_MODELS},
            content_type__model__in=MODEL_IDS,
        )
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(params=["superuser", "staff_with_model_permissions"])
def editor_client(request):
    """Each admin test runs as a superuser and as staff with only the model permissions."""
    return request.getfixturevalue(
        "admin_client" if request.param == "superuser" else "model_permissions_client"
    )


@pytest.fixture
def content():
    """One item of every model the admin edits, with names the tests look for."""
    tag = TagFactory(name="swelling")
    knee_area = KneeAreaFactory(name="Behind the kneecap", slug="behind-the-kneecap")
    symptom = SymptomFactory(name="Locking", slug="locking", tags=[tag])
    treatment = TreatmentFactory(name="Ice pack", slug="ice-pack", tags=[tag])
    condition = ConditionFactory(
        name="Bursitis", slug="bursitis", symptoms=[symptom], treatments=[treatment], tags=[tag]
    )
    faq = FAQFactory(question="Is bursitis serious?", conditions=[condition], tags=[tag])
    return {
        "tag": tag,
        "kneearea": knee_area,
        "symptom": symptom,
        "treatment": treatment,
        "condition": condition,
        "faq": faq,
    }


# Changelist, add and change pages --------------------------------------------------------------


@pytest.mark.parametrize("app_label, model", ALL_MODELS, ids=MODEL_IDS)
def test_changelist_lists_the_items(editor_client, content, app_label, model):
    response = editor_client.get(admin_url(app_label, model, "changelist"))

    assert response.status_code == 200
    assert content[model] in response.context["cl"].result_list
    assert escape(str(content[model])) in response.content.decode()


@pytest.mark.parametrize("app_label, model", ALL_MODELS, ids=MODEL_IDS)
def test_add_page_offers_an_empty_form(editor_client, app_label, model):
    response = editor_client.get(admin_url(app_label, model, "add"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.instance.pk is None
    assert f'name="{TITLE_FIELD[model]}"' in response.content.decode()


@pytest.mark.parametrize("app_label, model", ALL_MODELS, ids=MODEL_IDS)
def test_change_page_shows_the_saved_item(editor_client, content, app_label, model):
    item = content[model]

    response = editor_client.get(admin_url(app_label, model, "change", item.pk))

    assert response.status_code == 200
    assert response.context["adminform"].form.instance == item
    assert f'value="{escape(getattr(item, TITLE_FIELD[model]))}"' in response.content.decode()


def test_staff_member_without_permissions_is_refused(client, django_user_model, content):
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=True))

    assert client.get(admin_url("conditions", "condition", "changelist")).status_code == 403


def test_staff_member_with_content_permissions_cannot_manage_users(model_permissions_client):
    assert model_permissions_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(admin_url("conditions", "condition", "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# Search and filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "app_label, model, found, not_found, term",
    [
        (
            "conditions",
            "condition",
            {"name": "Torn meniscus", "body": "The cartilage cushion tears."},
            {"name": "Bursitis", "body": "A swollen fluid sac."},
            "cushion",
        ),
        (
            "conditions",
            "symptom",
            {"name": "Locking", "alternate_names": "knee gets stuck"},
            {"name": "Swelling", "alternate_names": "puffy knee"},
            "stuck",
        ),
        (
            "conditions",
            "treatment",
            {"name": "Ice pack", "description": "Cool the knee."},
            {"name": "Knee brace", "description": "Support the knee."},
            "ice",
        ),
        (
            "faq",
            "faq",
            {"question": "Can I run?", "answer": "Gentle jogging is fine."},
            {"question": "Will it burst?", "answer": "Rarely."},
            "jogging",
        ),
    ],
    ids=["condition-body", "symptom-alternate-name", "treatment-name", "faq-answer"],
)
def test_changelist_search_finds_only_matching_items(
    editor_client, app_label, model, found, not_found, term
):
    match = FACTORIES[model](**found)
    FACTORIES[model](**not_found)

    response = editor_client.get(admin_url(app_label, model, "changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [match]


def test_tag_changelist_search_finds_tags_by_name(editor_client):
    swelling = TagFactory(name="swelling")
    TagFactory(name="sport")

    response = editor_client.get(admin_url("conditions", "tag", "changelist"), {"q": "swell"})

    assert list(response.context["cl"].result_list) == [swelling]


@pytest.mark.parametrize("app_label, model", CONTENT_MODELS, ids=MODEL_IDS[:4])
def test_status_filter_shows_only_items_in_that_state(editor_client, app_label, model):
    draft = FACTORIES[model](status=Status.DRAFT)
    FACTORIES[model](status=Status.PUBLISHED)
    FACTORIES[model](status=Status.IN_REVIEW)
    url = admin_url(app_label, model, "changelist")

    everything = editor_client.get(url)
    drafts = editor_client.get(url, {"status__exact": "draft"})

    assert len(everything.context["cl"].result_list) == 3
    assert "?status__exact=draft" in everything.content.decode()
    assert list(drafts.context["cl"].result_list) == [draft]


@pytest.mark.parametrize("app_label, model", CONTENT_MODELS, ids=MODEL_IDS[:4])
def test_tag_filter_shows_only_items_with_that_tag(editor_client, app_label, model):
    swelling = TagFactory(name="swelling")
    tagged = FACTORIES[model](tags=[swelling, TagFactory(name="sport")])
    FACTORIES[model](tags=[TagFactory(name="sport")])
    FACTORIES[model]()
    url = admin_url(app_label, model, "changelist")

    everything = editor_client.get(url)
    filtered = editor_client.get(url, {"tags__id__exact": swelling.pk})

    assert f"?tags__id__exact={swelling.pk}" in everything.content.decode()
    assert list(filtered.context["cl"].result_list) == [tagged]


def test_tag_filter_ignores_other_kinds_of_content_with_the_same_id(editor_client):
    swelling = TagFactory(name="swelling")
    ConditionFactory(id=900, name="Untagged condition")
    SymptomFactory(id=900, name="Tagged symptom", tags=[swelling])

    response = editor_client.get(
        admin_url("conditions", "condition", "changelist"), {"tags__id__exact": swelling.pk}
    )

    assert list(response.context["cl"].result_list) == []


def test_symptom_autocomplete_offers_matching_symptoms_including_drafts(editor_client):
    swelling = SymptomFactory(name="Swelling")
    draft = SymptomFactory(name="Swelling after exercise", status=Status.DRAFT)
    SymptomFactory(name="Stiffness")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "conditions",
            "model_name": "condition",
            "field_name": "symptoms",
            "term": "swell",
        },
    )

    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert results == [
        {"id": str(swelling.pk), "text": "Swelling"},
        {"id": str(draft.pk), "text": "Swelling after exercise"},
    ]


def test_condition_form_uses_autocomplete_for_symptoms_and_treatments(editor_client):
    html = editor_client.get(admin_url("conditions", "condition", "add")).content.decode()

    for field in ["symptoms", "treatments", "related"]:
        assert f'data-field-name="{field}"' in html
        assert 'class="admin-autocomplete' in html


# A clinician's story ---------------------------------------------------------------------------


def condition_form(**overrides):
    """The add-condition form as a clinician fills it in."""
    data = {
        "name": "Baker's cyst",
        "slug": "bakers-cyst",
        "alternate_names": "popliteal cyst",
        "summary": "A fluid-filled swelling at the back of the knee.",
        "body": "It can feel **tight** when you bend your knee.",
        "urgency": "",
        "urgent_help": "",
        "tags": "Knee, swelling",
        "sign_off": "on",
        "publish": "on",
        "review_note": "",
        "next_review_due": "",
        "edit_token": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_clinician_adds_a_condition_and_patients_see_it(clinician_client, client):
    symptom = SymptomFactory(name="Swelling behind the knee", slug="swelling-behind-the-knee")
    treatment = TreatmentFactory(name="Ice pack", slug="ice-pack")

    response = clinician_client.post(
        admin_url("conditions", "condition", "add"),
        condition_form(symptoms=[symptom.pk], treatments=[treatment.pk]),
    )

    assert response.status_code == 302
    condition = Condition.objects.get()
    assert condition.get_absolute_url() == "/conditions/bakers-cyst/"
    assert condition.status == Status.PUBLISHED
    client.logout()
    html = client.get("/conditions/bakers-cyst/").content.decode()
    assert "<h1>Baker&#x27;s cyst</h1>" in html
    assert "Also called: popliteal cyst" in html
    assert "A fluid-filled swelling at the back of the knee." in html
    assert "<strong>tight</strong>" in html
    assert '<a href="/symptoms/swelling-behind-the-knee/">Swelling behind the knee</a>' in html
    assert '<a href="/treatments/ice-pack/">Ice pack</a>' in html
    assert '<a href="/tags/knee/">Knee</a>' in html
    assert '<a href="/tags/swelling/">swelling</a>' in html
    assert "Baker&#x27;s cyst" in client.get("/tags/knee/").content.decode()


def test_a_save_records_each_version_with_its_links_and_bumps_the_generation_at_most_twice(
    clinician_client,
):
    symptoms = [SymptomFactory(slug=f"symptom-{n}") for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        clinician_client.post(
            admin_url("conditions", "condition", "add"),
            condition_form(symptoms=[symptom.pk for symptom in symptoms]),
        )

    condition = Condition.objects.get()
    assert condition.status == Status.PUBLISHED
    versions = list(condition.history.all())
    assert len(versions) == 3  # saved, signed off, published
    assert all(version.relations == condition.relations_snapshot() for version in versions)
    assert len(versions[0].relations["symptoms"]) == 3
    # Once for the item's own row, once for its links, tags, sign-off and publishing together.
    assert len(generation_writes(queries)) <= 2


def test_new_condition_reuses_an_existing_tag_whatever_its_case(clinician_client, client):
    existing = TagFactory(name="knee")
    SymptomFactory(name="Stiffness", tags=[existing])

    clinician_client.post(admin_url("conditions", "condition", "add"), condition_form(tags="KNEE"))
    client.logout()

    assert list(Condition.objects.get().tags.all()) == [existing]
    assert Tag.objects.filter(name__iexact="knee").count() == 1
    tag_page = client.get("/tags/knee/").content.decode()
    assert "Baker&#x27;s cyst" in tag_page
    assert "Stiffness" in tag_page


def test_tags_typed_as_plurals_or_without_apostrophes_join_the_existing_topics(clinician_client):
    knee, bakers = TagFactory(name="knee"), TagFactory(name="Baker’s cyst")

    clinician_client.post(
        admin_url("conditions", "condition", "add"),
        condition_form(tags="Knees, bakers cysts, KNEE, calf cramps"),
    )

    tags = set(Condition.objects.get().tags.all())
    assert knee in tags and bakers in tags
    assert {tag.name for tag in tags} == {"knee", "Baker’s cyst", "calf cramps"}
    assert Tag.objects.count() == 3


def test_a_tag_typed_as_it_is_named_stays_that_tag_though_another_differs_only_in_plural(
    clinician_client,
):
    # An acronym is not a plural, nor are letters beyond ASCII to be dropped ("Ödem" is not "dem").
    knee, knees = TagFactory(name="knee"), TagFactory(name="Knees")
    TagFactory(name="ITB"), TagFactory(name="dem")

    clinician_client.post(
        admin_url("conditions", "condition", "add"), condition_form(tags="knees, ITBS, Ödem")
    )

    tags = set(Condition.objects.get().tags.all())
    assert tags == {knees, Tag.objects.get(name="ITBS"), Tag.objects.get(name="Ödem")}
    assert knee not in tags


def test_condition_form_without_summary_keeps_what_was_typed_and_saves_nothing(editor_client):
    response = editor_client.post(
        admin_url("conditions", "condition", "add"), condition_form(summary="")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert list(response.context["adminform"].form.errors) == ["summary"]
    assert 'value="Baker&#x27;s cyst"' in html
    assert "It can feel **tight** when you bend your knee." in html
    assert not Condition.objects.exists()
    assert not Tag.objects.exists()


def test_condition_with_urgency_but_no_advice_is_refused_with_a_readable_message(editor_client):
    response = editor_client.post(
        admin_url("conditions", "condition", "add"),
        condition_form(urgency=Condition.Urgency.IMMEDIATE, urgent_help=""),
    )

    assert response.status_code == 200
    assert "Write the warning signs and what to do, or clear the urgency." in (
        response.content.decode()
    )
    assert not Condition.objects.exists()


def test_change_page_links_to_the_page_patients_see(editor_client, content):
    condition = content["condition"]

    html = editor_client.get(
        admin_url("conditions", "condition", "change", condition.pk)
    ).content.decode()
    content_type = ContentType.objects.get_for_model(Condition)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, condition.pk])

    assert f'<a href="{view_on_site}" class="viewsitelink">View on site</a>' in html
    response = editor_client.get(view_on_site)
    assert response.status_code == 302
    assert response.url.endswith("/conditions/bursitis/")
    assert "<h1>Bursitis</h1>" in editor_client.get(response.url).content.decode()
