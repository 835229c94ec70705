"""The clinic's profile: who stands behind the pages, shown only where someone entered it."""

import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from clinic.models import ClinicProfile, Location
from tests.factories import ConditionFactory
from tests.test_roles import clinic_profile_data

pytestmark = pytest.mark.django_db

PROFILE_ADMIN = "/admin/clinic/clinicprofile/1/change/"


@pytest.fixture
def profile():
    return ClinicProfile.objects.create()


@pytest.fixture
def full_profile(profile):
    profile.phone = "(212) 555-0100"
    profile.description = "Knee and spine specialists in Manhattan."
    profile.appointment_email = "frontdesk@example.org"
    profile.save()
    Location.objects.create(
        profile=profile,
        name="Midtown",
        street_address="100 West 57th Street, Suite 4",
        city="New York",
        state="NY",
        zip_code="10019",
        phone="(212) 555-0111",
        opening_hours="Monday–Friday: 8 a.m.–6 p.m.\nSaturday: 9 a.m.–1 p.m.",
    )
    return profile


def structured_data(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_seed_site_creates_the_profile_with_its_name_and_us_defaults_once():
    call_command("seed_site", stdout=io.StringIO())
    profile = ClinicProfile.objects.get()
    assert (profile.name, profile.emergency_number, profile.country) == (
        "Spine Institute NY",
        "911",
        "US",
    )
    assert (profile.language, profile.time_zone, profile.phone) == ("en-US", "America/New_York", "")

    profile.phone = "(212) 555-0100"
    profile.save()
    call_command("seed_site", stdout=io.StringIO())
    assert ClinicProfile.objects.get().phone == "(212) 555-0100"


def test_facts_nobody_entered_are_not_shown_anywhere(client, profile):
    condition = ConditionFactory(slug="bakers-cyst", name="Baker's cyst")

    html = client.get(condition.get_absolute_url()).content.decode()

    assert "<title>Baker&#x27;s cyst – Spine Institute NY</title>" in html
    assert "See a specialist at Spine Institute NY" in html
    assert "tel:" not in html
    assert "<address>" not in html
    assert "Call us" not in html
    assert "call 911" in html.lower()


def test_entered_phone_locations_and_hours_show_in_footer_and_specialist_box(client, full_profile):
    condition = ConditionFactory(slug="bakers-cyst")

    html = client.get(condition.get_absolute_url()).content.decode()

    footer = html.split('<footer class="site-footer">')[1]
    assert 'href="tel:+12125550100">(212) 555-0100</a>' in footer
    assert "100 West 57th Street, Suite 4<br>New York, NY 10019" in footer
    assert "Saturday: 9 a.m.–1 p.m." in footer
    assert 'href="tel:+12125550111"' in footer
    specialist = html.split('<aside class="specialist"')[1].split("</aside>")[0]
    assert 'Call <a href="tel:+12125550100">(212) 555-0100</a>' in specialist
    assert "Midtown</strong>: 100 West 57th Street, Suite 4, New York, NY 10019" in specialist


def test_a_changed_name_shows_on_the_next_request(client, profile):
    ConditionFactory(slug="bakers-cyst")
    assert "Spine Institute NY" in client.get("/conditions/bakers-cyst/").content.decode()

    profile.name = "Spine Institute of New York"
    profile.save()

    html = client.get("/conditions/bakers-cyst/").content.decode()
    assert '<a class="brand" href="/">Spine Institute of New York</a>' in html


def test_json_ld_names_the_clinic_as_publisher_with_what_was_entered(client, full_profile):
    condition = ConditionFactory(slug="bakers-cyst")

    page = structured_data(client.get(condition.get_absolute_url()).content.decode())["@graph"][0]

    assert page["inLanguage"] == "en-US"
    assert page["publisher"] == {
        "@type": "MedicalClinic",
        "name": "Spine Institute NY",
        "url": "http://testserver/",
        "telephone": "(212) 555-0100",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "100 West 57th Street, Suite 4",
            "addressLocality": "New York",
            "addressRegion": "NY",
            "postalCode": "10019",
            "addressCountry": "US",
        },
    }


def test_json_ld_publisher_leaves_out_facts_nobody_entered(client, profile):
    condition = ConditionFactory(slug="bakers-cyst")

    page = structured_data(client.get(condition.get_absolute_url()).content.decode())["@graph"][0]

    assert page["publisher"] == {
        "@type": "MedicalClinic",
        "name": "Spine Institute NY",
        "url": "http://testserver/",
    }


def test_admin_index_says_what_patients_cannot_see_yet(admin_client, profile):
    html = admin_client.get("/admin/").content.decode()

    assert "Add the clinic&#x27;s phone number so patients can call you." in html
    assert "Add a location with its address so patients can find you." in html


def test_admin_index_says_nothing_once_everything_is_entered(admin_client, full_profile):
    html = admin_client.get("/admin/").content.decode()

    assert 'id="clinic-missing"' not in html


def test_content_staff_are_not_asked_to_fill_in_the_profile(staff_client, profile):
    html = staff_client.get("/admin/").content.decode()

    assert "Review due" in html
    assert 'id="clinic-missing"' not in html


ADDRESS = {
    "locations-0-street_address": "100 West 57th Street",
    "locations-0-city": "New York",
    "locations-0-state": "NY",
    "locations-0-zip_code": "10019",
}


def test_a_clinic_manager_changes_the_profile_and_its_history_is_kept(
    client, django_user_model, profile
):
    manager = django_user_model.objects.create_user("manager", password="x" * 16, is_staff=True)
    manager.groups.add(Group.objects.get(name="Clinic manager"))
    client.force_login(manager)

    response = client.post(PROFILE_ADMIN, clinic_profile_data(**ADDRESS))

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.phone == "(212) 555-0100"
    assert profile.locations.get().address_lines == ["100 West 57th Street", "New York, NY 10019"]
    assert profile.history.count() == 2
    assert profile.history.first().history_user == manager


def test_bad_phone_zip_and_state_are_refused_and_what_was_typed_is_kept(admin_client, profile):
    response = admin_client.post(
        PROFILE_ADMIN,
        clinic_profile_data(
            phone="call us",
            **{**ADDRESS, "locations-0-zip_code": "1001", "locations-0-state": "N."},
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a US phone number with its area code" in html
    assert "Enter a 5-digit ZIP code, or ZIP+4." in html
    assert "Use the two-letter state code, for example NY." in html
    assert 'value="call us"' in html
    assert 'value="100 West 57th Street"' in html
    profile.refresh_from_db()
    assert profile.phone == ""


def test_there_is_one_profile_and_it_cannot_be_deleted(admin_client, profile):
    assert admin_client.get(reverse("admin:clinic_clinicprofile_changelist")).url == PROFILE_ADMIN
    assert admin_client.get(reverse("admin:clinic_clinicprofile_add")).status_code == 403
    assert admin_client.get(f"{PROFILE_ADMIN.removesuffix('change/')}delete/").status_code == 403

    ClinicProfile(name="Another clinic").save()
    assert ClinicProfile.objects.get().name == "Another clinic"


def test_a_non_urgent_callout_offers_the_clinics_phone_and_the_request_form(client, full_profile):
    condition = ConditionFactory(
        slug="jumpers-knee", urgency="non_urgent", urgent_help="See someone if it lasts."
    )

    html = client.get(condition.get_absolute_url()).content.decode()

    callout = html.split('<aside class="urgent urgent-non_urgent"')[1].split("</aside>")[0]
    assert "Make an appointment with your doctor, or with us" in callout
    assert 'href="tel:+12125550100">(212) 555-0100</a>' in callout
    assert 'href="/appointments/?condition=jumpers-knee"' in callout
    assert "call 911" not in callout


def test_front_desk_cannot_open_the_clinic_profile(client, front_desk, profile):
    client.force_login(front_desk)

    assert client.get(reverse("admin:clinic_clinicprofile_changelist")).status_code == 403


def test_front_desk_sees_no_content_to_do_lists_on_the_admin_index(client, front_desk):
    ConditionFactory(name="Overdue knee", next_review_due="2020-01-01")
    client.force_login(front_desk)

    html = client.get("/admin/").content.decode()

    assert 'id="review-due"' not in html
    assert "Overdue knee" not in html
