"""schema.org JSON-LD for search engines: MedicalWebPage for conditions, FAQPage for the FAQ."""

import json

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clinic.models import clinic_facts
from conditions.models import page_url
from conditions.text import render_markdown

SCHEMA = "https://schema.org"


def json_for_script(data):
    """JSON that is safe inside <script type="application/ld+json"> (no closing tag possible)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)


def breadcrumb_list(request, trail):
    """BreadcrumbList from Home plus the page's (label, url) trail, in the page's language;
    positions start at 1."""
    items = [(_("Home"), page_url("conditions:home")), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": label,
                "item": request.build_absolute_uri(url or request.path),
            }
            for position, (label, url) in enumerate(items, start=1)
        ],
    }


def _linked(request, items, schema_type):
    return [
        {
            "@type": schema_type,
            "name": item.name,
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }
        for item in items
    ]


def publisher(request):
    """The clinic as a schema.org MedicalClinic: only the facts someone has entered."""
    clinic = clinic_facts()
    organization = {
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": request.build_absolute_uri("/"),
    }
    if clinic.phone:
        organization["telephone"] = clinic.phone
    addresses = [
        {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            "addressLocality": location.city,
            "addressRegion": location.state,
            "postalCode": location.zip_code,
            "addressCountry": clinic.country,
        }
        for location in clinic.locations
        if location.street_address
    ]
    if addresses:
        organization["address"] = addresses[0] if len(addresses) == 1 else addresses
    return organization


def condition_page(
    request, condition, trail, *, symptoms, treatments, knee_areas, in_language=None
):
    """MedicalWebPage about a MedicalCondition, with the page's breadcrumbs and its lists.

    `in_language` is the language tag of the wording shown: a translation's; by default the
    clinic's own (en-US), which is also what a page in another language shows of an item not
    translated into it.
    """
    about = {
        "@type": "MedicalCondition",
        "name": condition.name,
        "alternateName": condition.alternate_name_list,
        "description": condition.summary,
        "signOrSymptom": _linked(request, symptoms, "MedicalSignOrSymptom"),
        "possibleTreatment": _linked(request, treatments, "MedicalTherapy"),
        "associatedAnatomy": [
            {"@type": "AnatomicalStructure", "name": area.name} for area in knee_areas
        ]
        or [{"@type": "AnatomicalStructure", "name": "Knee"}],
    }
    page = {
        "@type": "MedicalWebPage",
        "name": condition.name,
        "url": request.build_absolute_uri(condition.get_absolute_url()),
        "description": condition.summary,
        "inLanguage": in_language or clinic_facts().language,
        "about": about,
        "publisher": publisher(request),
    }
    if condition.last_reviewed_on:
        page["lastReviewed"] = condition.last_reviewed_on.isoformat()
    if condition.reviewed_by_id and condition.last_reviewed_on:
        reviewer = condition.reviewed_by
        page["reviewedBy"] = {
            "@type": "Person",
            "name": reviewer.get_full_name() or reviewer.get_username(),
        }
    return json_for_script({"@context": SCHEMA, "@graph": [page, breadcrumb_list(request, trail)]})


def faq_page(request, faqs, trail):
    """FAQPage with every published question and its answer as plain text."""
    page = {
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": strip_tags(render_markdown(faq.answer)).strip(),
                },
            }
            for faq in faqs
        ],
    }
    return json_for_script({"@context": SCHEMA, "@graph": [page, breadcrumb_list(request, trail)]})
