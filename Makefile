# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests that need a real broker and worker run only when REDIS_URL is set.
PYTEST_MARKERS := $(if $(REDIS_URL),,-m "not redis")

.PHONY: install run test lint format messages messages-check check-deploy api-fuzz compose-check worker beat clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py bootstrap
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_MARKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract and compile translations (needs gettext). Compiled .mo files are
# committed, so a machine without gettext still shows the translations.
MAKEMESSAGES := $(BIN)/python manage.py makemessages --locale=fr --locale=es --no-obsolete \
	--no-location --ignore=.venv --ignore=var --ignore=bench

messages: install
	$(MAKEMESSAGES)
	$(MAKEMESSAGES) --domain=djangojs
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Fails when a source string is missing from the catalogues (run under CI,
# where gettext is installed); completeness is checked by the test suite.
messages-check: install
	$(MAKEMESSAGES)
	git diff --exit-code -I '^"POT-Creation-Date' -- locale/

# Fuzzes the REST API against its OpenAPI schema on a live server (.ci/schemathesis.sh).
api-fuzz: install
	.ci/schemathesis.sh

check-deploy: install
	DJANGO_ENV=production SECRET_KEY=$$($(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))") ALLOWED_HOSTS=portal.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Validates docker-compose.yml with the example environment (placeholder
# secrets: .env.example leaves them empty on purpose). Needs `docker-compose`
# or `docker compose`; no engine is needed.
COMPOSE := $(shell command -v docker-compose 2>/dev/null || echo docker compose)
compose-check:
	SECRET_KEY=placeholder POSTGRES_PASSWORD=placeholder \
		$(COMPOSE) --env-file .env.example -f docker-compose.yml config -q

worker: install
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel=INFO

clean:
	rm -rf $(VENV) var
