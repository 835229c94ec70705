"""Static files as production serves them: WhiteNoise, hashed names, compressed, kept a year."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command


@pytest.fixture
def collected(settings, tmp_path, load_settings):
    """collectstatic with the storage of production settings (conftest.py swaps in a plain one)."""
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_AUTOREFRESH = False
    settings.STORAGES = load_settings(SECRET_KEY="x")["STORAGES"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_pages_link_static_files_by_hashed_name(collected):
    url = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)


def test_a_hashed_file_comes_compressed_and_may_be_kept_for_a_year(client, collected):
    url = staticfiles_storage.url("css/site.css")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content)
    assert len(body) < (collected / "css" / "site.css").stat().st_size


def test_an_unhashed_name_is_kept_only_briefly(client, collected):
    response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    assert re.fullmatch(r"max-age=\d+, public", response["Cache-Control"])
