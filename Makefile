# The two commands: `make run` serves the site with the seed content; `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
# Tests also run against this PostgreSQL server when it answers (CI makes sure it does).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# The PostgreSQL run's cache tests use their own Redis database (SQLite's use 15, the default).
PG_REDIS_TEST_URL ?= redis://127.0.0.1:6379/13
# A random key, made once per checkout, unless SECRET_KEY is already set.
WITH_SECRET = SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}"
TEST_ENV = SECRET_KEY=tests-only-not-secret DEBUG=0

.PHONY: run serve test lint install clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

.secret_key:
	python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

# Serves plain HTTP on this machine, so its cookies cannot be HTTPS-only (SECURE_COOKIES=0).
run: install .secret_key
	$(WITH_SECRET) $(PY) manage.py compile_translations --verbosity 0
	$(WITH_SECRET) $(PY) manage.py migrate --noinput
	$(WITH_SECRET) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(WITH_SECRET) $(PY) manage.py seed_site
	@echo "Serving http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
	@if [ "$${DEBUG:-0}" = 1 ]; then \
		$(WITH_SECRET) $(PY) manage.py runserver 127.0.0.1:8000; \
	else \
		SECURE_COOKIES="$${SECURE_COOKIES:-0}" $(WITH_SECRET) \
			$(VENV)/bin/gunicorn --config gunicorn.conf.py kneeinfo.wsgi; \
	fi

# Production-style serving only: gunicorn with gunicorn.conf.py and the settings in the environment
# (see .env.example and README "Deployment"); no seeding, no admin account created.
serve: install
	$(PY) manage.py compile_translations --verbosity 0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn --config gunicorn.conf.py kneeinfo.wsgi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# Static files collected first, as for serving: whitenoise warns on every app start without them;
# the Spanish interface compiled first, as for serving (the suite compiles it too, when run alone).
# With PostgreSQL answering, its run goes alongside SQLite's (one core each; its own Redis
# database for the cache tests) and its report follows SQLite's. The browser tests check what a
# browser shows, the same from either database: they run once, with SQLite.
test: lint
	$(TEST_ENV) $(PY) manage.py compile_translations --verbosity 0
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@if $(PY) -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		log=$$(mktemp); \
		$(TEST_ENV) DATABASE_URL=$(PG_TEST_URL) REDIS_TEST_URL=$(PG_REDIS_TEST_URL) \
			$(PY) -m pytest -m "not browser" >"$$log" 2>&1 & postgres=$$!; \
		trap 'kill $$postgres 2>/dev/null; rm -f "$$log"' EXIT; \
		echo "== SQLite (PostgreSQL's run, $(PG_TEST_URL), goes alongside; its report follows)"; \
		$(TEST_ENV) $(PY) -m pytest; sqlite=$$?; \
		wait $$postgres; postgresql=$$?; \
		echo "== the same tests on PostgreSQL ($(PG_TEST_URL))"; cat "$$log"; \
		[ $$sqlite = 0 ] && [ $$postgresql = 0 ]; \
	elif [ "$${REQUIRE_POSTGRES:-0}" = 1 ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) does not answer, and REQUIRE_POSTGRES=1"; exit 1; \
	else \
		echo "== PostgreSQL at $(PG_TEST_URL) does not answer: SQLite only"; \
		$(TEST_ENV) $(PY) -m pytest; \
	fi

clean:
	rm -rf $(VENV) staticfiles var locale/*/LC_MESSAGES/*.mo
