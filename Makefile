# 南通信用网 — developer entry points.
#
#   make run     set up .venv, migrate, load demo data, serve http://127.0.0.1:8000 (SQLite; HOST=, PORT= to move)
#   make test    set up .venv with the test tools and the Debian packages, run the whole suite
#   make check   migrations up to date, system checks, production deploy check
#   make lint    ruff (rules and format) and the import layers of .importlinter (kernel < audit < catalog < collection < inquiry < objections, repair)
#   make typecheck  mypy on the kernel and the services (configured in pyproject.toml)
#   make worker  Celery worker   } with REDIS_URL (and DATABASE_URL) set, see README.md;
#   make beat    Celery beat     } `make worker QUEUES=bulk` reads one queue, as production does
#
# Python packages are installed only when requirements*.txt changed: the installed set is
# recorded in a stamp file named after the hash of the requirement files, so a second
# `make run` starts in seconds.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Settings read the same two variables: SITE_URL (links in e-mails, QR codes on reports) follows
# wherever `make run HOST=… PORT=…` serves.
export HOST PORT
PYTEST_ARGS ?=

RUN_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-16)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(RUN_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)

# What the tests need from Debian: Chromium for the browser tests (Playwright drives
# /usr/bin/chromium; its own browser download cannot work here), CJK fonts for pages and PDFs,
# Pango and HarfBuzz's subsetter for WeasyPrint, poppler's pdffonts/pdftotext to read PDFs back.
DEB_PACKAGES := chromium fonts-noto-cjk libharfbuzz-subset0 poppler-utils libpango-1.0-0 libpangoft2-1.0-0

PIP := $(PY) -m pip --disable-pip-version-check --no-input
# axe-core, the accessibility engine the browser tests inject into pages (npm registry; needs npm).
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

# `make axe` alone: the accessibility engine for the browser tests.
axe: $(AXE)

.PHONY: axe run serve setup setup-dev test check lint typecheck worker beat deb-packages clean

run: $(RUN_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) seed_demo
	@echo "南通信用网: http://$(HOST):$(PORT)/  (demo accounts: see README.md)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Serve without re-running migrations and demo data (after a first `make run`).
serve: $(RUN_STAMP)
	$(MANAGE) runserver $(HOST):$(PORT)

setup: $(RUN_STAMP)
setup-dev: $(DEV_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(RUN_STAMP): | $(PY)
	$(PIP) install -q -r requirements.txt
	rm -f $(VENV)/.installed-run-*
	touch $@

# The dev requirements include the runtime ones, so this stamp satisfies `make run` too.
$(DEV_STAMP): | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-run-* $(VENV)/.installed-dev-*
	touch $(RUN_STAMP) $@

$(AXE): | $(PY)
	@command -v npm >/dev/null || { echo "npm is needed for axe-core (apt-get install npm)"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

deb-packages:
	@missing=""; \
	for pkg in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "WARNING: not root, cannot install these Debian packages:$$missing"; \
	  echo "         run: sudo apt-get install$$missing   (browser and PDF tests may be skipped or fail)"; \
	fi

# The whole suite: SQLite by default, PostgreSQL when DATABASE_URL says so.
test: $(DEV_STAMP) deb-packages $(AXE)
	$(BIN)/pytest $(PYTEST_ARGS)

# Migrations match the models, the system checks pass, and production settings pass
# `check --deploy` without a single warning. The production secrets are generated here; the
# check connects to no server, so REDIS_URL only has to be set (production needs a shared cache).
check: $(RUN_STAMP)
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check
	@echo "manage.py check --deploy --fail-level WARNING  (DEBUG=False, generated production secrets)"
	@DEBUG=False \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=credit.nantong.gov.cn \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
	FIELD_ENCRYPTION_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	IDENTIFIER_HASH_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	AUDIT_CHAIN_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	AUDIT_CHECKPOINT_DIR=/var/lib/nantong-credit/audit-checkpoints \
	TWO_FACTOR_REQUIRED_ROLES=provider_staff,center_clerk,catalog_admin,government_user,auditor,administrator \
	SITE_IDENTIFIER_CODE=3206000000 ICP_RECORD_NUMBER=苏ICP备00000000号 \
	$(MANAGE) check --deploy --fail-level WARNING

# ruff's rules and format ([tool.ruff] in pyproject.toml; `ruff format .` fixes the format), and
# the layers written down in .importlinter: an import against them fails, with its chain.
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# Which files, and how strictly: [tool.mypy] in pyproject.toml.
typecheck: $(DEV_STAMP)
	$(BIN)/mypy

# Every queue by default (one machine); production runs a worker per queue (README, "Queues").
QUEUES ?= interactive,bulk,sweeps
comma := ,
worker: $(RUN_STAMP)
	$(BIN)/celery -A nantong_credit worker --queues $(QUEUES) --loglevel INFO --concurrency 2 --hostname "$(subst $(comma),-,$(QUEUES))@%h"

beat: $(RUN_STAMP)
	$(BIN)/celery -A nantong_credit beat --loglevel INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) staticfiles test-artifacts
