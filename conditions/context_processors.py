from django.conf import settings


def site(request):
    """The site's name, for page titles and the header."""
    return {"site_name": settings.SITE_NAME}
