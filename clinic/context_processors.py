from django.utils.functional import SimpleLazyObject

from clinic.models import clinic_facts


def clinic(request):
    """The clinic's name, phone and locations, read only by pages that show them."""
    return {"clinic": SimpleLazyObject(clinic_facts)}
