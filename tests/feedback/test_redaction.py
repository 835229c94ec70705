"""Comments lose email addresses, phone numbers and dates before they are stored, and keep the
numbers patients write about their knee."""

import pytest

from feedback.redaction import (
    DATE_REMOVED,
    EMAIL_REMOVED,
    NUMBER_REMOVED,
    PHONE_REMOVED,
    plain,
    redact,
)


@pytest.mark.parametrize(
    "typed",
    [
        "maria.g@example.net",
        "Maria.Gonzalez+knee@mail.example.co.uk",
        "maria @ example.net",
        "maria (at) example (dot) com",
        "maria [at] example [dot] org",
        "maria at example dot com",
        # A zero-width space and a full-width at sign do not hide an address.
        "maria\u200b@example.net",
        "maria＠example.net",
    ],
)
def test_email_addresses_are_removed(typed):
    assert redact(plain(f"Write to me at {typed} please")) == (
        f"Write to me at {EMAIL_REMOVED} please"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "(212) 555-0100",
        "212-555-0100",
        "212.555.0100",
        "212 555 0100",
        "2125550100",
        "+1 212 555 0100",
        "+1 (212) 555-0100",
        "1-800-555-0199",
        "212-555-0100 ext. 12",
        "555-0100",
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "+33 1 23 45 67 89",
        "+49 (0)30 1234567",
        "+91-98765-43210",
        "+52 55 1234 5678",
    ],
)
def test_phone_numbers_in_us_and_international_formats_are_removed(typed):
    assert redact(plain(f"Call me on {typed} after 5")) == f"Call me on {PHONE_REMOVED} after 5"


@pytest.mark.parametrize(
    "typed",
    [
        "03/14/1985",
        "3/14/85",
        "3-14-1985",
        "3.14.1985",
        "14/03/1985",
        "1985-03-14",
        "March 14, 1985",
        "march 14 1985",
        "Mar. 14th, 1985",
        "Sept 3, 1990",
        "14 March 1985",
        "14th of March, 1985",
    ],
)
def test_dates_of_birth_in_common_us_formats_are_removed(typed):
    assert redact(plain(f"I was born {typed}, and")) == f"I was born {DATE_REMOVED}, and"


def test_social_security_numbers_are_removed():
    assert redact("my SSN is 123-45-6789") == f"my SSN is {NUMBER_REMOVED}"


@pytest.mark.parametrize(
    "kept",
    [
        "My MRI showed a grade 2 tear.",
        "The swelling lasted 3 weeks, then 6-8 weeks of physical therapy.",
        "Pain is 7/10 when I kneel, 2 out of 10 at rest.",
        "Ice it 1-2 times a day for 15-20 minutes.",
        "I had ACL surgery in 2019 and again in March 2024.",
        "It happened on March 3 while skiing.",
        "Bend to 90 degrees, 3 sets of 10-12 reps.",
        "Walking 10,000 steps, 400-600 mg of ibuprofen.",
        "My disc problem is at L4-L5 and C5-C6.",
        "20/20 vision, 1/2 mile, 5'10\", 180 lb.",
        "Take 2 tablets at 8:30 and again 12 hours later.",
        "Years 2019 2020 2021 were bad.",
        "Page 3 of 4 says knee@home exercises.",
        "Look at it dot by dot.",
    ],
)
def test_numbers_patients_write_about_their_knee_are_kept(kept):
    assert redact(plain(kept)) == kept


def test_several_details_in_one_comment_are_all_removed_and_the_rest_kept():
    comment = (
        "Grade 2 tear for 3 weeks. I'm Maria, DOB 03/14/1985, call 212-555-0100 "
        "or maria.g@example.net."
    )
    assert redact(plain(comment)) == (
        f"Grade 2 tear for 3 weeks. I'm Maria, DOB {DATE_REMOVED}, call {PHONE_REMOVED} "
        f"or {EMAIL_REMOVED}."
    )


def test_plain_text_keeps_line_breaks_and_drops_invisible_characters():
    assert plain("  First line\r\nsecond\u200b line\x00\tend  ") == "First line\nsecond line end"
