"""Patients' answers in the admin: who may read them (nobody in a group changes them), each
page's counts and newest comments, and the review box's pages patients found unhelpful."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conditions.models import Status
from feedback.admin import PAGES_PER_SCREEN
from feedback.models import Feedback
from tests.appointments.test_admin import injected
from tests.conftest import _clinician, plain_static_files
from tests.factories import ConditionFactory, FAQFactory, FeedbackFactory, SymptomFactory
from tests.test_hostile_content import CORPUS

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/feedback/feedback/"
BY_PAGE = "/admin/feedback/feedback/pages/"


def answers(page, no=0, yes=0, days_ago=0, comment=""):
    """`no` and `yes` answers about `page`, given `days_ago` days ago."""
    made = [FeedbackFactory(page=page, helpful=False, comment=comment) for _ in range(no)]
    made += [FeedbackFactory(page=page, helpful=True, comment=comment) for _ in range(yes)]
    when = timezone.now() - timedelta(days=days_ago)
    Feedback.objects.filter(pk__in=[answer.pk for answer in made]).update(created_at=when)
    return made


# Who may read them -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "codenames"),
    [
        ("Clinician", {"view_feedback"}),
        ("Content staff", {"view_feedback"}),
        ("Front desk", set()),
        ("Clinic manager", set()),
    ],
)
def test_the_migration_lets_clinicians_and_content_staff_read_answers_and_no_more(group, codenames):
    permissions = Group.objects.get(name=group).permissions
    assert (
        set(
            permissions.filter(content_type__app_label="feedback").values_list(
                "codename", flat=True
            )
        )
        == codenames
    )
    # The groups keep every permission they had: the migration added, and replaced nothing.
    if group == "Clinician":
        assert permissions.filter(codename="signoff_condition").exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("clinician", True),
        ("content_staff", True),
        ("front_desk", False),
        ("clinic_manager", False),
    ],
)
def test_clinicians_and_content_staff_read_answers_and_comments(as_role, role, allowed):
    FeedbackFactory(page=ConditionFactory(name="Baker's cyst"), comment="Too many long words")
    client = as_role(role)

    for url in [CHANGELIST, BY_PAGE]:
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), url
        if allowed:
            assert "Too many long words" in response.text
            assert "Baker&#x27;s cyst" in response.text


@pytest.mark.parametrize("role", ["clinician", "content_staff"])
def test_nobody_in_a_group_adds_changes_or_deletes_an_answer(as_role, role):
    answer = FeedbackFactory(comment="As sent")
    client = as_role(role)

    change = reverse("admin:feedback_feedback_change", args=[answer.pk])
    page = client.get(change)
    assert page.status_code == 200  # read-only
    assert "<textarea" not in page.text and 'name="_save"' not in page.text
    assert client.post(change, {"comment": "Changed", "helpful": "on"}).status_code == 403
    delete = reverse("admin:feedback_feedback_delete", args=[answer.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:feedback_feedback_add")).status_code == 403
    answer.refresh_from_db()
    assert answer.comment == "As sent"


def test_a_superuser_deletes_a_comment_that_kept_a_personal_detail(admin_client):
    answer = FeedbackFactory(comment="My name is Maria Gonzalez")
    delete = reverse("admin:feedback_feedback_delete", args=[answer.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Feedback.objects.exists()


def test_a_clinician_still_deletes_a_page_that_has_answers(clinician_client):
    condition = ConditionFactory()
    FeedbackFactory(page=condition)
    url = reverse("admin:conditions_condition_delete", args=[condition.pk])
    assert clinician_client.post(url, {"post": "yes"}).status_code == 302
    assert not Feedback.objects.exists()


# What they show --------------------------------------------------------------------------------


def test_the_list_filters_answers_by_page_answer_and_comment(clinician_client):
    cyst, tear = ConditionFactory(name="Baker's cyst"), ConditionFactory(name="Meniscus tear")
    answers(cyst, no=1, comment="cyst comment")
    answers(cyst, yes=1)
    answers(tear, no=1, comment="tear comment")
    by_page = clinician_client.get(
        CHANGELIST,
        {
            "content_type__id__exact": ContentType.objects.get_for_model(cyst).pk,
            "object_id": cyst.pk,
        },
    ).text
    assert "cyst comment" in by_page and "tear comment" not in by_page
    assert "2 answers" in by_page

    no_with_comment = clinician_client.get(CHANGELIST, {"helpful__exact": "0", "comment": "yes"})
    assert re.findall(r"(cyst|tear) comment", no_with_comment.text) == ["tear", "cyst"]


def test_counts_by_page_list_most_no_answers_first_with_the_newest_comments(clinician_client):
    cyst = ConditionFactory(name="Baker's cyst")
    swelling = SymptomFactory(name="Swelling")
    question = FAQFactory(question="Can I kneel?")
    answers(cyst, no=2, yes=5)
    answers(swelling, no=5, yes=1)
    for days, text in enumerate(["newest", "second", "third", "fourth"]):
        answers(question, no=1, days_ago=days, comment=f"{text} comment")

    html = clinician_client.get(BY_PAGE).text

    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    assert [re.search(r">([^<]+)</a> \(", row).group(1) for row in rows] == [
        "Swelling",
        "Can I kneel?",
        "Baker&#x27;s cyst",
    ]
    assert re.findall(r"<td>(\d+)</td>", rows[0]) == ["1", "5"]
    assert re.findall(r"(\w+) comment", rows[1]) == ["newest", "second", "third"]
    assert "(symptom)" in rows[0] and "(FAQ)" in rows[1]


@pytest.mark.parametrize("pages", [1, 30])
def test_counts_by_page_cost_the_same_queries_for_one_page_or_many(
    clinician_client, django_assert_num_queries, pages
):
    for _ in range(pages):
        answers(ConditionFactory(), no=2, yes=1, comment="Unclear")
        answers(SymptomFactory(), no=1, comment="Unclear")
    clinician_client.get(BY_PAGE)  # content types into Django's per-process cache

    # 1-2. the session and its user; 3-4. the user's permissions, their own and their groups';
    # 5. COUNT of pages answered about; 6. this screen of them with their counts; 7. their
    # newest comments; 8-9. the conditions and the symptoms named
    with django_assert_num_queries(9):
        response = clinician_client.get(BY_PAGE)
    assert response.text.count("All answers") == min(2 * pages, PAGES_PER_SCREEN)


# The review box --------------------------------------------------------------------------------


def review_box(client):
    page = client.get(reverse("admin:index")).text
    start = page.index('id="review-due"')
    return page[start : page.index("</div>", start)]


def test_a_page_with_many_no_answers_joins_the_review_box(clinician_client):
    answers(ConditionFactory(name="Baker's cyst"), no=5, yes=1)
    answers(SymptomFactory(name="Swelling"), no=7, yes=7)
    answers(FAQFactory(question="Can I kneel?"), no=4)

    box = review_box(clinician_client)

    assert "Patients found unhelpful since the last review" in box
    assert "Baker&#x27;s cyst" in box and "5 No, 1 Yes" in box
    assert "Swelling" in box and "7 No, 7 Yes" in box
    assert box.index("Swelling") < box.index("Baker&#x27;s cyst")  # most "No" first
    assert "Can I kneel?" not in box  # four are not many


def test_more_yes_than_no_keeps_a_page_out_of_the_review_box(clinician_client):
    answers(ConditionFactory(name="Baker's cyst"), no=6, yes=7)
    assert "Baker&#x27;s cyst" not in review_box(clinician_client)


def test_only_answers_since_the_last_sign_off_and_within_the_period_count(
    clinician_client, settings
):
    settings.FEEDBACK_REVIEW_DAYS = 30
    today = timezone.localdate()
    reviewed = ConditionFactory(name="Reviewed last week")
    type(reviewed).objects.filter(pk=reviewed.pk).update(last_reviewed_on=today - timedelta(days=7))
    answers(reviewed, no=5, days_ago=8)
    answers(reviewed, no=4, days_ago=6)
    old = ConditionFactory(name="Complained about long ago")
    answers(old, no=10, days_ago=31)
    answers(old, no=4, days_ago=29)

    box = review_box(clinician_client)

    assert "Reviewed last week" not in box and "Complained about long ago" not in box
    answers(reviewed, no=1)
    assert "Reviewed last week" in review_box(clinician_client)


def test_the_threshold_is_a_setting(clinician_client, settings):
    settings.FEEDBACK_REVIEW_NO_ANSWERS = 2
    answers(ConditionFactory(name="Baker's cyst"), no=2)
    assert "2 No, 0 Yes" in review_box(clinician_client)


def test_unpublished_pages_stay_out_of_the_review_box(clinician_client):
    answers(ConditionFactory(name="Taken down", status=Status.UNPUBLISHED), no=9)
    box = review_box(clinician_client)
    assert "Taken down" not in box
    assert "Nothing is due for review" in box


def test_the_review_box_links_to_the_page_and_its_answers(clinician_client):
    cyst = ConditionFactory(name="Baker's cyst")
    answers(cyst, no=5)
    box = review_box(clinician_client)
    assert f'href="/admin/conditions/condition/{cyst.pk}/change/"' in box
    assert f"object_id={cyst.pk}" in box


# Hostile comments ------------------------------------------------------------------------------


def comment_pages(staff, text):
    """Every page showing a comment `text` a patient sent: as sent back when too long, and when
    sent twice, on the public side; the list of answers and the counts by page in the admin."""
    patient = Client()
    cyst = ConditionFactory()
    sent = patient.post(
        "/feedback/",
        {"page": f"conditions.condition:{cyst.pk}", "helpful": "no"},
        HTTP_ORIGIN="http://testserver",
    )
    token = re.search(r'name="token" value="([^"]+)"', sent.text).group(1)
    pages = {}

    def post(comment):
        data = {"token": token, "comment": comment}
        return patient.post("/feedback/comment/", data, HTTP_ORIGIN="http://testserver").text

    pages["too long"] = post(text + "x" * 500)
    post(text)
    pages["sent twice"] = post(text)
    pages["answers"] = staff.get(CHANGELIST).text
    pages["by page"] = staff.get(BY_PAGE).text
    Feedback.objects.all().delete()
    return pages


@pytest.fixture(scope="module")
def plain_comment_pages(django_db_setup, django_db_blocker):
    """The pages showing a comment of plain words, as a clinician sees them: each page's own
    markup. Made once for every entry of the corpus, and rolled back before the first test."""
    with django_db_blocker.unblock(), plain_static_files(), transaction.atomic():
        staff = Client()
        staff.force_login(_clinician(get_user_model(), "plain-clinician"))
        pages = comment_pages(staff, "Plain words")
        transaction.set_rollback(True)
    return pages


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_comments_are_shown_as_text_everywhere(
    clinician_client, plain_comment_pages, payload
):
    pages = comment_pages(clinician_client, payload)

    for page, html in pages.items():
        assert not injected(html, plain_comment_pages[page]), page
