from django.http import HttpResponse
from django.urls import path


def ok(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("", ok)]
