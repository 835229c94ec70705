"""Every public URL is plain and stable: people bookmark, print and share them.

Public pages are in English at their plain address and in Spanish under /es/ with the same slugs
(kneeinfo/languages.py); the admin and the addresses for machines have no language.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path

from conditions.sitemaps import SITEMAPS
from kneeinfo import views

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    *i18n_patterns(
        path("", include("conditions.urls")),
        path("", include("faq.urls")),
        path("", include("search.urls")),
        path("", include("appointments.urls")),
        path("", include("feedback.urls")),
        prefix_default_language=False,
    ),
]

# Error pages render from their templates alone (no host, database, cache or context processors),
# so a request with an unknown Host gets its 400 rather than a second error. A database fault
# becomes the friendly 503 page; anything else the 500 page.
handler400 = "kneeinfo.views.bad_request"
handler403 = "kneeinfo.views.permission_denied"
handler404 = "kneeinfo.views.page_not_found"
handler500 = "kneeinfo.views.server_error"
