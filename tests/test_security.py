"""Security headers, cookies, admin login lockout and a clean `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import ConditionFactory

BASE_DIR = Path(__file__).resolve().parent.parent
LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_public_pages_send_every_security_header_over_https(client):
    ConditionFactory(slug="bakers-cyst")

    response = client.get("/conditions/bakers-cyst/", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/conditions/", LOGIN_URL])
def test_content_security_policy_allows_no_inline_or_foreign_script(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_http_only(client, editor):
    csrf = client.get(LOGIN_URL).cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]

    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_admin_locks_an_address_out_after_five_failed_logins_and_says_so(client, editor):
    for _ in range(4):
        assert log_in(client, "editor", "wrong").status_code == 200

    fifth = log_in(client, "editor", "wrong")
    # Even the right password is refused while locked out.
    with_right_password = log_in(client, "editor", PASSWORD)

    for response in (fifth, with_right_password):
        assert response.status_code == 429
        page = response.content.decode()
        assert "Sign-in locked after too many failed attempts" in page
        assert "<strong>editor</strong>" in page
        assert "60 minutes" in page
        assert response["Retry-After"] == "3600"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_covers_the_account_from_any_address_and_the_address_for_any_account(
    client, editor, django_user_model
):
    django_user_model.objects.create_user(username="other", password=PASSWORD, is_staff=True)
    for _ in range(5):
        log_in(client, "editor", "wrong", address="203.0.113.7")

    assert log_in(client, "editor", PASSWORD, address="198.51.100.9").status_code == 429
    assert log_in(client, "other", PASSWORD, address="203.0.113.7").status_code == 429
    assert log_in(client, "other", PASSWORD, address="198.51.100.9").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_forgets_earlier_failures(client, editor):
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert log_in(client, "editor", "wrong").status_code == 200
    assert log_in(client, "editor", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_each_visitor_is_locked_out_on_their_own(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    for _ in range(5):
        client.post(
            LOGIN_URL,
            {"username": "someone", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7",
        )

    # The proxy's own address (REMOTE_ADDR) is shared by everyone: it must not be locked.
    ok = client.post(
        LOGIN_URL,
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    assert ok.status_code == 302


@pytest.mark.parametrize("password", ["short1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def run_check_deploy(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DEBUG", "SECRET_KEY", "BEHIND_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7Qz-9vXr2LmN4pT8sWy1bHc6dFg3jKa5eRu0iOo7nBv2xZq8wEt",
    "ALLOWED_HOSTS": "knee.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://knee.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "BEHIND_HTTPS_PROXY": "1",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_check_deploy(**PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_flags_a_production_setting_left_off():
    result = run_check_deploy(**{**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"})

    assert result.returncode != 0
    assert "security.W004" in result.stderr
