"""The permission matrix: Clinician, Content staff, Clinic manager, Front desk and anonymous
visitors against every action. (Appointment requests: tests/appointments/test_admin.py.)

Each test drives the admin or the public site the way that user would, and checks the outcome in
the database, so a control that is only hidden in the form would fail here.
"""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import ClinicProfile, Location
from conditions.admin import ContentAdmin, edit_token
from conditions.models import ClinicianProfile, Condition, Status, Symptom, Tag, TagRedirect
from conditions.services.workflow import content_sign_off
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)
from tests.test_cache import generation_writes

pytestmark = pytest.mark.django_db

ROLES = ["clinician", "content_staff"]


def change_data(condition, **overrides):
    """The admin change form's fields for `condition`, as a browser would post them."""
    data = {
        "name": condition.name,
        "slug": condition.slug,
        "alternate_names": condition.alternate_names,
        "summary": condition.summary,
        "body": condition.body,
        "urgency": condition.urgency,
        "urgent_help": condition.urgent_help,
        "knee_areas": [a.pk for a in condition.knee_areas.all()],
        "symptoms": [s.pk for s in condition.symptoms.all()],
        "treatments": [t.pk for t in condition.treatments.all()],
        "related": [r.pk for r in condition.related.all()],
        "tags": ", ".join(condition.tags.names()),
        "review_note": condition.review_note,
        "next_review_due": "",
        "edit_token": edit_token(condition),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def change_url(item):
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])


def form_as_saved(response, **ticked):
    """The change form on `response` as a browser posts it back untouched, plus `ticked` boxes."""
    data = {"_save": "Save", **{name: "on" for name, on in ticked.items() if on}}
    for field in response.context["adminform"].form:
        value = field.value()
        if isinstance(field.field.widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(field.field, forms.ModelMultipleChoiceField):
            data[field.html_name] = list(value)
        elif value is not None:
            data[field.html_name] = field.field.widget.format_value(value) or ""
    return data


def run_action(client, model_name, action, items, **confirmation):
    """Post an admin action as the change list does; `confirmation`, its second step's fields."""
    return client.post(
        reverse(f"admin:conditions_{model_name}_changelist"),
        {"action": action, "_selected_action": [item.pk for item in items], **confirmation},
    )


UNPUBLISH_CONFIRMED = {"confirm": "1", "reason": "The advice is out of date"}


# Viewing and adding -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_both_roles_open_the_condition_list(as_role, role):
    ConditionFactory(name="Baker's cyst")
    response = as_role(role).get(reverse("admin:conditions_condition_changelist"))
    assert response.status_code == 200
    assert "Baker&#x27;s cyst" in response.text


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:conditions_condition_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_only_clinicians_add_content(as_role, role, allowed):
    client = as_role(role)
    data = {
        "name": "New condition",
        "slug": "new-condition",
        "summary": "Summary",
        "body": "Body",
        "urgency": "",
        "urgent_help": "",
        "tags": "knee",
        "review_note": "",
        "next_review_due": "",
        "edit_token": "",
        "_save": "Save",
    }
    response = client.post(reverse("admin:conditions_condition_add"), data)
    assert Condition.objects.filter(slug="new-condition").exists() is allowed
    if not allowed:
        assert response.status_code == 403


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_only_clinicians_delete_content(as_role, role, allowed):
    condition = ConditionFactory()
    url = reverse("admin:conditions_condition_delete", args=[condition.pk])
    as_role(role).post(url, {"post": "yes"})
    assert Condition.objects.filter(pk=condition.pk).exists() is not allowed


# Editing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_clinical_text_changes_only_for_clinicians_even_with_a_crafted_post(as_role, role, allowed):
    # Not live, so that an allowed edit lands on the row (a live page's goes to its draft).
    condition = ConditionFactory(
        status=Status.IN_REVIEW, summary="Original summary", body="Original body"
    )
    client = as_role(role)
    response = client.post(
        change_url(condition),
        change_data(
            condition,
            summary="Crafted summary",
            body="Crafted body",
            urgency="urgent",
            urgent_help="Crafted advice",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    condition.refresh_from_db()
    assert (condition.summary == "Crafted summary") is allowed
    assert (condition.body == "Crafted body") is allowed
    assert (condition.urgent_help == "Crafted advice") is allowed


@pytest.mark.parametrize("role", ROLES)
def test_both_roles_edit_alternate_names_cross_links_and_tags(as_role, role):
    condition = ConditionFactory()
    other = ConditionFactory()
    response = as_role(role).post(
        change_url(condition),
        change_data(
            condition, alternate_names="Popliteal cyst", related=[other.pk], tags="knee, swelling"
        ),
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.alternate_names == "Popliteal cyst"
    assert list(condition.related.all()) == [other]
    assert sorted(condition.tags.names()) == ["knee", "swelling"]


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_symptom_links_are_clinical_and_locked_for_content_staff(as_role, role, allowed):
    condition = ConditionFactory()
    swelling = SymptomFactory()
    as_role(role).post(change_url(condition), change_data(condition, symptoms=[swelling.pk]))
    assert condition.symptoms.filter(pk=swelling.pk).exists() is allowed


def test_an_admin_without_fieldsets_shows_content_staff_clinical_text_read_only(rf, content_staff):
    symptom = SymptomFactory(description="Read-only description", alternate_names="Puffy knee")
    request = rf.get(change_url(symptom))
    request.user = content_staff
    fieldless_admin = ContentAdmin(Symptom, admin.site)  # every form field, in model order

    page = fieldless_admin.change_view(request, str(symptom.pk)).rendered_content

    assert "Read-only description" in page
    assert 'name="description"' not in page and 'name="name"' not in page
    assert 'name="alternate_names"' in page and "Puffy knee" in page
    assert 'name="sign_off"' not in page and 'name="publish"' not in page


def test_content_staff_see_clinical_text_read_only(staff_client):
    condition = ConditionFactory(summary="Read-only summary")
    page = staff_client.get(change_url(condition)).text
    assert "Read-only summary" in page
    assert 'name="summary"' not in page
    assert 'name="alternate_names"' in page
    assert 'name="sign_off"' not in page and 'name="publish"' not in page


# Workflow actions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_only_clinicians_sign_off(as_role, role, allowed):
    condition = ConditionFactory(status=Status.DRAFT)
    run_action(as_role(role), "condition", "sign_off", [condition])
    condition.refresh_from_db()
    assert condition.is_signed_off is allowed


def test_marking_several_items_reviewed_keeps_each_ones_public_review_note(clinician_client):
    first = ConditionFactory(status=Status.DRAFT, review_note="Added advice on running.")
    second = SymptomFactory(status=Status.DRAFT, review_note="Plainer wording.")

    run_action(clinician_client, "condition", "sign_off", [first])
    run_action(clinician_client, "symptom", "sign_off", [second])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_signed_off, first.review_note) == (True, "Added advice on running.")
    assert (second.is_signed_off, second.review_note) == (True, "Plainer wording.")


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_only_clinicians_sign_off_through_the_form_even_with_a_crafted_post(as_role, role, allowed):
    condition = ConditionFactory(status=Status.DRAFT)
    as_role(role).post(change_url(condition), change_data(condition, sign_off="on", publish="on"))
    condition.refresh_from_db()
    assert condition.is_signed_off is allowed
    assert (condition.status == Status.PUBLISHED) is allowed


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_only_clinicians_publish(as_role, role, allowed, clinician):
    condition = ConditionFactory(status=Status.IN_REVIEW)
    content_sign_off(condition, clinician)
    run_action(as_role(role), "condition", "publish", [condition])
    condition.refresh_from_db()
    assert (condition.status == Status.PUBLISHED) is allowed


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_only_clinicians_unpublish(as_role, role, allowed):
    condition = ConditionFactory()
    run_action(as_role(role), "condition", "unpublish", [condition], **UNPUBLISH_CONFIRMED)
    condition.refresh_from_db()
    assert (condition.status == Status.UNPUBLISHED) is allowed


def test_an_action_on_several_items_is_one_change_of_the_site(clinician_client):
    patient = Client()
    conditions = [ConditionFactory(slug=f"condition-{n}") for n in range(5)]
    for condition in conditions:
        assert patient.get(condition.get_absolute_url()).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        run_action(clinician_client, "condition", "unpublish", conditions, **UNPUBLISH_CONFIRMED)

    assert not Condition.objects.filter(status=Status.PUBLISHED).exists()
    assert len(generation_writes(queries)) == 1
    for condition in conditions:
        assert patient.get(condition.get_absolute_url()).status_code == 404


def test_publish_action_refuses_unsigned_wording_with_a_message(clinician_client):
    condition = ConditionFactory(status=Status.IN_REVIEW, name="Unsigned page")
    response = run_action(clinician_client, "condition", "publish", [condition])
    condition.refresh_from_db()
    assert condition.status == Status.IN_REVIEW
    follow = clinician_client.get(response["Location"])
    assert "has not been signed off" in follow.text


def test_publishing_without_sign_off_in_the_form_keeps_what_was_typed(clinician_client):
    condition = ConditionFactory(status=Status.DRAFT)
    response = clinician_client.post(
        change_url(condition), change_data(condition, summary="Typed summary", publish="on")
    )
    assert response.status_code == 200
    assert "has not been signed off" in response.text
    assert "Typed summary" in response.text
    condition.refresh_from_db()
    assert condition.summary != "Typed summary"


@pytest.mark.parametrize(("role", "allowed"), [("clinician", True), ("content_staff", False)])
def test_only_clinicians_restore_a_version(as_role, role, allowed):
    condition = ConditionFactory(status=Status.IN_REVIEW, body="Old body")
    old = condition.history.first()
    condition.body = "New body"
    condition.save()
    url = reverse("admin:conditions_condition_restore", args=[condition.pk, old.history_id])
    response = as_role(role).post(url)
    condition.refresh_from_db()
    assert (condition.body == "Old body") is allowed
    if not allowed:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_both_roles_compare_versions(as_role, role):
    condition = ConditionFactory(body="Old body")
    condition.body = "New body"
    condition.save()
    old, new = condition.history.order_by("history_date", "history_id")
    url = reverse("admin:conditions_condition_compare", args=[condition.pk])
    response = as_role(role).get(url, {"a": old.history_id, "b": new.history_id})
    assert response.status_code == 200
    assert "<td>Old body</td>" in response.text
    assert "<td><del>Old</del><ins>New</ins> body</td>" in response.text
    assert ("Restore the older version" in response.text) is (role == "clinician")


@pytest.mark.parametrize(
    "factory",
    [ConditionFactory, SymptomFactory, TreatmentFactory, FAQFactory],
    ids=["condition", "symptom", "treatment", "faq"],
)
@pytest.mark.parametrize(
    "workflow", [(), ("publish",), ("signoff",), ("publish", "signoff")], ids="+".join
)
def test_every_mix_of_workflow_permissions_opens_and_saves_the_change_form(
    client, django_user_model, clinician, factory, workflow
):
    # A group an administrator might make, such as "Publisher": publish without sign-off.
    item = factory(status=Status.IN_REVIEW)
    content_sign_off(item, clinician)
    model = item._meta.model_name
    user = django_user_model.objects.create_user("editor", is_staff=True)
    ClinicianProfile.objects.create(user=user, registration_number="NY license 654321")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in ("view", "change", *workflow)],
        )
    )
    client.force_login(user)
    may_publish, may_sign_off = "publish" in workflow, "signoff" in workflow

    page = client.get(change_url(item))
    assert page.status_code == 200
    assert ('name="publish"' in page.text) is may_publish
    assert ('name="sign_off"' in page.text) is may_sign_off
    response = client.post(
        change_url(item), form_as_saved(page, publish=may_publish, sign_off=may_sign_off)
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status == Status.PUBLISHED) is may_publish
    assert item.is_signed_off
    assert item.reviewed_by == (user if may_sign_off else clinician)


# Tags ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_both_roles_rename_a_tag_and_the_old_address_redirects(as_role, role):
    tag = TagFactory(name="Bakers cyst")
    client = as_role(role)
    url = reverse("admin:conditions_tag_change", args=[tag.pk])
    response = client.post(url, {"name": "Baker's cyst", "slug": "bakers-cyst-renamed"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "Baker's cyst"
    ConditionFactory(tags=[tag])
    client.logout()
    assert client.get("/tags/bakers-cyst/")["Location"] == "/tags/bakers-cyst-renamed/"


@pytest.mark.parametrize("role", ROLES)
def test_both_roles_merge_tags_without_losing_a_tagged_item(as_role, role):
    injury = TagFactory(name="injury")
    injuries = TagFactory(name="injuries")
    first = ConditionFactory(tags=[injury])
    second = ConditionFactory(tags=[injuries])
    both = ConditionFactory(tags=[injury, injuries])
    client = as_role(role)
    response = client.post(
        reverse("admin:conditions_tag_changelist"),
        {"action": "merge", "_selected_action": [injury.pk, injuries.pk], "into": injury.pk},
    )
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=injuries.pk).exists()
    for condition in (first, second, both):
        assert list(condition.tags.names()) == ["injury"]
    assert TagRedirect.objects.get(old_slug="injuries").tag == injury
    client.logout()
    assert client.get("/tags/injuries/")["Location"] == "/tags/injury/"


@pytest.mark.parametrize("role", ROLES)
def test_both_roles_hide_a_tag_without_untagging(as_role, role):
    tag = TagFactory(name="hidden topic")
    condition = ConditionFactory(tags=[tag])
    client = as_role(role)
    client.post(
        reverse("admin:conditions_tag_changelist"),
        {"action": "hide", "_selected_action": [tag.pk]},
    )
    tag.refresh_from_db()
    assert tag.is_hidden
    assert list(condition.tags.all()) == [tag]
    client.logout()
    assert "hidden topic" not in client.get("/tags/").text
    assert "hidden topic" not in client.get(condition.get_absolute_url()).text
    assert client.get(tag.get_absolute_url()).status_code == 404


# The clinic profile and the roles outside content ---------------------------------------------

PROFILE_EDITORS = [
    ("clinic_manager", True),
    ("clinician", False),
    ("content_staff", False),
    ("front_desk", False),
]


def clinic_profile_data(**overrides):
    """The clinic profile's change form, with one new location, as a browser would post it."""
    data = {
        "name": "Spine Institute NY",
        "description": "",
        "phone": "(212) 555-0100",
        "appointment_email": "appointments@clinic.example",
        "booking_url": "",
        "emergency_number": "911",
        "country": "US",
        "language": "en-US",
        "time_zone": "America/New_York",
        "locations-TOTAL_FORMS": "1",
        "locations-INITIAL_FORMS": "0",
        "locations-MIN_NUM_FORMS": "0",
        "locations-MAX_NUM_FORMS": "1000",
        "locations-0-name": "Midtown",
        "locations-0-order": "0",
        "_save": "Save",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("role", "allowed"), PROFILE_EDITORS)
def test_only_clinic_managers_change_the_clinic_profile_and_its_locations(as_role, role, allowed):
    profile = ClinicProfile.objects.create()
    assert as_role(role).get(change_url(profile)).status_code == (200 if allowed else 403)
    response = as_role(role).post(change_url(profile), clinic_profile_data())

    assert response.status_code == (302 if allowed else 403)
    profile.refresh_from_db()
    assert (profile.phone == "(212) 555-0100") is allowed
    assert (profile.appointment_email == "appointments@clinic.example") is allowed
    assert Location.objects.filter(name="Midtown").exists() is allowed


@pytest.mark.parametrize("role", ["front_desk", "clinic_manager"])
def test_front_desk_and_clinic_managers_cannot_open_or_change_content(as_role, role):
    condition = ConditionFactory(summary="Original summary")
    client = as_role(role)

    for model in ("condition", "symptom", "treatment", "tag", "redflagrule"):
        assert client.get(reverse(f"admin:conditions_{model}_changelist")).status_code == 403
    assert client.get(reverse("admin:faq_faq_changelist")).status_code == 403
    response = client.post(change_url(condition), change_data(condition, summary="Crafted"))
    assert response.status_code == 403
    run_action(client, "condition", "unpublish", [condition])
    condition.refresh_from_db()
    assert (condition.summary, condition.status) == ("Original summary", Status.PUBLISHED)


# Public site -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
def test_anonymous_visitors_get_404_for_unpublished_pages(client, status):
    condition = ConditionFactory(status=status)
    assert client.get(condition.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "draft",
    [
        lambda: ConditionFactory(status=Status.DRAFT, name="Draft page"),
        lambda: FAQFactory(status=Status.DRAFT, question="Draft page?"),
    ],
    ids=["condition", "faq"],
)
def test_staff_preview_drafts_at_the_public_url_under_a_banner(as_role, role, draft):
    item = draft()
    response = as_role(role).get(item.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not public." in response.text
    assert "Draft page" in response.text


def test_published_pages_show_no_preview_banner_to_staff(staff_client):
    condition = ConditionFactory()
    assert "not public" not in staff_client.get(condition.get_absolute_url()).text
