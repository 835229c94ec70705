import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Serve static names as they are: tests do not run collectstatic for the hashed manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
