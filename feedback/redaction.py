"""Take out of a patient's comment anything that looks like an email address, a phone number or
a date of birth, before it is stored.

Patients are asked not to include personal details; some will. What is removed is replaced by a
marker ("[email removed]"), so a reader sees that something was there. The patterns lean towards
removing: a full date with day, month and year is removed whatever it was (an operation date
is as identifying as a birthday), while the numbers patients use about their knee ("grade 2",
"3 weeks", "6-8 weeks", "pain 7/10", "in 2019", "March 2024") are kept.
"""

import re
import unicodedata

EMAIL_REMOVED = "[email removed]"
PHONE_REMOVED = "[phone number removed]"
DATE_REMOVED = "[date removed]"
NUMBER_REMOVED = "[number removed]"

# Unicode categories dropped before matching: controls (line breaks are kept apart), format
# characters (a zero-width space inside an address would hide it), surrogates, private use
# and unassigned code points.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}

_EMAIL = re.compile(
    r"[\w.%+-]+"
    # "name@example.com", and the spelled-out "name (at) example (dot) com" and "name at
    # example dot com" (the last only before a common ending, so "look at it dot by dot" stays).
    r"(?:\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)+"
    r"|\s*[(\[]\s*at\s*[)\]]\s*[\w-]+(?:\s*(?:\.|[(\[]\s*dot\s*[)\]])\s*[\w-]+)+"
    r"|\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:com|net|org|edu|gov|us|io|co)\b)",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_DATES = [
    # 3/14/1985, 03-14-85, 3.14.1985; also day first (14/03/1985): the same separator twice.
    re.compile(r"(?<![\w/.-])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\w/]|[.-]\d)"),
    # 1985-03-14, 1985/3/14
    re.compile(r"(?<![\w/.-])(?:19|20)\d{2}([/.-])\d{1,2}\1\d{1,2}(?![\w/]|[.-]\d)"),
    # March 14, 1985; Mar. 14th 1985
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+\d{{4}}\b", re.IGNORECASE),
    # 14 March 1985; 14th of March, 1985
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b", re.IGNORECASE),
]

# A Social Security number: 123-45-6789.
_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")

_PHONES = [
    # International, with its + or 00 prefix: +44 20 7946 0958, 0033 1 23 45 67 89,
    # +49 (0)30 1234567.
    re.compile(r"(?<![\w+])(?:\+|00)\s?[1-9][\d\s().-]{5,22}\d(?!\w)"),
    # US: (212) 555-0100, 212-555-0100, 212.555.0100, 2125550100, +1 212 555 0100,
    # 1-800-555-0199. Area codes and exchanges never start with 0 or 1.
    re.compile(
        r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-]?)[2-9]\d{2}[\s.-]?\d{4}"
        r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?(?!\w)",
        re.IGNORECASE,
    ),
    # Seven digits without the area code: 555-0100, 555.0100.
    re.compile(r"(?<![\w.-])[2-9]\d{2}[.-]\d{4}(?![\w]|[.-]\d)"),
]


# No phone number, with its country code, has more digits than this (ITU-T E.164).
_MOST_DIGITS = 15


def _phone(match):
    """The marker for a phone number of 7 to 15 digits; numbers typed after it stay."""
    text, digits, end = match.group(), 0, 0
    for position, char in enumerate(text):
        if char.isdigit():
            digits += 1
            if digits <= _MOST_DIGITS:
                end = position + 1
    if digits < 7:
        return text
    return PHONE_REMOVED + text[end:]


def plain(text):
    """The comment as stored before redaction: normalized (NFKC), one kind of line break, no
    invisible or control characters, no spaces at either end.

    Form fields send line breaks as CR LF; counting them as one character each is what the
    patient sees while typing.
    """
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char == "\t":
            kept.append(" ")
        elif char == "\n" or unicodedata.category(char) not in _INVISIBLE:
            kept.append(char)
    return "".join(kept).strip()


def redact(text):
    """`text` without email addresses, dates, Social Security numbers and phone numbers."""
    text = _EMAIL.sub(EMAIL_REMOVED, text)
    for pattern in _DATES:
        text = pattern.sub(DATE_REMOVED, text)
    text = _SSN.sub(NUMBER_REMOVED, text)
    for pattern in _PHONES:
        text = pattern.sub(_phone, text)
    return text
