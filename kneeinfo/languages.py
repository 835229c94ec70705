"""The site's languages: English at today's addresses, Spanish under /es/, chosen by address only.

A page's language comes from its address and nothing else: no cookie, no redirect by the
browser's Accept-Language, no `Vary: Accept-Language`. So every address shows one page, which the
page cache (kneeinfo/cache.py, keyed by URL), browsers and a CDN can keep. Django's
LocaleMiddleware would read the Accept-Language header on unprefixed addresses and send `Vary`
for it, which no shared cache can serve well; LanguageFromPathMiddleware does only the part the
site needs.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.encoding import escape_uri_path, iri_to_uri

# BCP 47 tags for <html lang>, hreflang and JSON-LD (Django's codes are lower-case).
TAGS = {"en-us": "en-US", "es": "es"}
# Each language's own name for itself, as the language switcher shows it.
NAMES = {"en-us": "English", "es": "Español"}


def codes():
    """Every language's code, the default (English) first."""
    return [code for code, _ in settings.LANGUAGES]


def tag(code=None):
    """The BCP 47 tag of a language code; the active language's by default."""
    code = code or translation.get_language()
    return TAGS.get(code, code)


def prefix(code):
    """The address prefix of a language: "" for English, "/es" for Spanish."""
    return "" if code == settings.LANGUAGE_CODE else f"/{code}"


def language_of(path_info):
    """The language an address is in: the one its first segment names, or English."""
    for code in codes():
        start = prefix(code)
        if start and (path_info == start or path_info.startswith(f"{start}/")):
            return code
    return settings.LANGUAGE_CODE


def path_in(code, path_info):
    """The address of the same page in language `code`: /es/faq/ → /faq/ and back."""
    current = prefix(language_of(path_info))
    neutral = path_info[len(current) :] or "/"
    return f"{get_script_prefix().rstrip('/')}{prefix(code)}{neutral}"


@dataclass(frozen=True)
class Alternate:
    code: str
    hreflang: str
    name: str
    url: str


def _path(code, request):
    return escape_uri_path(path_in(code, request.path_info))


def alternates(request, available=None):
    """The page in each language it is `available` in (every language by default), as absolute
    URLs for <link rel="alternate" hreflang>, then x-default (the English page)."""
    origin = f"{request.scheme}://{request.get_host()}"
    found = [
        Alternate(code, tag(code), NAMES[code], origin + _path(code, request))
        for code in available or codes()
    ]
    english = settings.LANGUAGE_CODE
    return [*found, Alternate(english, "x-default", "", origin + _path(english, request))]


def switches(request):
    """Links to this page, with its query, in every other language, for the switcher."""
    query = request.META.get("QUERY_STRING", "")
    query = f"?{iri_to_uri(query)}" if query else ""
    current = translation.get_language()
    return [
        Alternate(code, tag(code), NAMES[code], _path(code, request) + query)
        for code in codes()
        if code != current
    ]


class LanguageFromPathMiddleware:
    """Activate the language the address names, for URL resolving, templates and links.

    Sets Content-Language on the response and nothing else: no cookie, no redirect, no Vary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = language_of(request.path_info)
        with translation.override(code):
            request.LANGUAGE_CODE = code
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", tag(code))
        return response
