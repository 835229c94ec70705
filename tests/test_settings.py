"""Settings come from the environment, refuse bad values, and are safe when DEBUG is off."""

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_laptop_defaults_are_sqlite_and_a_file_cache_every_worker_shares(load_settings):
    settings = load_settings(SECRET_KEY="x")

    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    cache = settings["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert cache["LOCATION"] == str(settings["BASE_DIR"] / "var" / "cache")
    # Files every worker reads, kept fresh by the generation in the database: pages are cached.
    assert settings["PAGE_CACHE"] is True


def test_the_file_cache_goes_where_cache_dir_says(load_settings, tmp_path):
    settings = load_settings(SECRET_KEY="x", CACHE_DIR=str(tmp_path))

    assert settings["CACHES"]["default"]["LOCATION"] == str(tmp_path)


def test_production_urls_select_postgresql_and_redis_with_page_caching(load_settings):
    settings = load_settings(
        SECRET_KEY="x",
        DATABASE_URL="postgres://kneeinfo:pw@db.internal:5432/kneeinfo",
        REDIS_URL="redis://cache.internal:6379/0",
    )

    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"]) == ("db.internal", "kneeinfo")
    assert database["OPTIONS"]["connect_timeout"] == 3
    assert database["OPTIONS"]["options"] == "-c random_page_cost=1.1"
    assert database["OPTIONS"]["server_side_binding"] is True
    assert database["OPTIONS"]["prepare_threshold"] == 2
    assert settings["CACHES"]["default"] == {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
    assert settings["PAGE_CACHE"] is True


def test_postgresql_connection_options_can_be_changed_or_left_out(load_settings):
    url = "postgres://kneeinfo:pw@db.internal:5432/kneeinfo"

    tuned = load_settings(SECRET_KEY="x", DATABASE_URL=url, PG_OPTIONS="-c work_mem=8MB")
    plain = load_settings(
        SECRET_KEY="x", DATABASE_URL=url, PG_OPTIONS="", DB_PREPARED_STATEMENTS="0"
    )

    assert tuned["DATABASES"]["default"]["OPTIONS"]["options"] == "-c work_mem=8MB"
    assert "options" not in plain["DATABASES"]["default"]["OPTIONS"]
    assert plain["DATABASES"]["default"]["OPTIONS"]["server_side_binding"] is False
    assert plain["DATABASES"]["default"]["OPTIONS"]["prepare_threshold"] is None


def test_secret_key_is_required_when_debug_is_off(load_settings):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        load_settings()


def test_debug_runs_without_a_secret_key_and_relaxes_transport_security(load_settings):
    settings = load_settings(DEBUG="1")

    assert settings["SECRET_KEY"].startswith("insecure")
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_debug_off_turns_every_security_setting_on(load_settings):
    settings = load_settings(SECRET_KEY="x")

    assert settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_HTTPONLY"] is True
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    # Only a proxy we were told about may say a request came over HTTPS.
    assert "SECURE_PROXY_SSL_HEADER" not in settings


def test_proxy_ssl_header_is_trusted_only_when_asked(load_settings):
    settings = load_settings(SECRET_KEY="x", BEHIND_HTTPS_PROXY="yes")

    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_lists_and_admin_path_are_read_from_the_environment(load_settings):
    settings = load_settings(
        SECRET_KEY="x",
        ALLOWED_HOSTS=" knee.example.org, www.knee.example.org ,",
        CSRF_TRUSTED_ORIGINS="https://knee.example.org",
        ADMIN_PATH="/clinic-editor",
    )

    assert settings["ALLOWED_HOSTS"] == ["knee.example.org", "www.knee.example.org"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://knee.example.org"]
    assert settings["ADMIN_PATH"] == "clinic-editor/"


def test_email_prints_to_the_console_until_an_smtp_server_is_configured(load_settings):
    laptop = load_settings(SECRET_KEY="x")
    assert laptop["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert (laptop["APPOINTMENT_RETENTION_DAYS"], laptop["APPOINTMENT_REQUESTS_PER_HOUR"]) == (
        90,
        5,
    )

    production = load_settings(
        SECRET_KEY="x",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.clinic.example",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="site",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="Spine Institute NY <no-reply@clinic.example>",
        APPOINTMENT_RETENTION_DAYS="30",
        APPOINTMENT_REQUESTS_PER_HOUR="10",
    )
    assert production["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (production["EMAIL_HOST"], production["EMAIL_PORT"]) == ("smtp.clinic.example", 587)
    assert (production["EMAIL_HOST_USER"], production["EMAIL_HOST_PASSWORD"]) == ("site", "secret")
    assert production["EMAIL_USE_TLS"] is True
    assert production["DEFAULT_FROM_EMAIL"] == "Spine Institute NY <no-reply@clinic.example>"
    assert production["APPOINTMENT_RETENTION_DAYS"] == 30
    assert production["APPOINTMENT_REQUESTS_PER_HOUR"] == 10


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be 1/0"),
        ("PAGE_CACHE", "2", "PAGE_CACHE must be 1/0"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be a whole number"),
        ("LOGIN_FAILURE_LIMIT", "5.5", "LOGIN_FAILURE_LIMIT must be a whole number"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT must be a whole number"),
        ("EMAIL_USE_TLS", "sometimes", "EMAIL_USE_TLS must be 1/0"),
        ("APPOINTMENT_RETENTION_DAYS", "3 months", "APPOINTMENT_RETENTION_DAYS must be a whole"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(load_settings, name, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(SECRET_KEY="x", **{name: value})


def test_the_reading_grade_target_is_grade_8_unless_the_environment_says(load_settings):
    assert load_settings(SECRET_KEY="x")["READABILITY_TARGET_GRADE"] == 8
    assert (
        load_settings(SECRET_KEY="x", READABILITY_TARGET_GRADE="6")["READABILITY_TARGET_GRADE"] == 6
    )
    with pytest.raises(ImproperlyConfigured, match="READABILITY_TARGET_GRADE"):
        load_settings(SECRET_KEY="x", READABILITY_TARGET_GRADE="eighth")
