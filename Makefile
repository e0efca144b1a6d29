# IDW: `make run` (demo on SQLite, tasks in-process) and `make test`.
# With DATABASE_URL and REDIS_URL set, the same targets use PostgreSQL and Redis.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= 0.001

.PHONY: install run demo test lint format bench worker beat

install: $(VENV)/.installed

# requirements.txt is what runs in production; requirements-dev.txt adds the tests and tools.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# The demo: migrate, load a small synthetic data set, print credentials and
# keys for every role with the URLs of HOST:PORT (`make run HOST=0.0.0.0 PORT=8123`),
# compute indicators, and serve there.
run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) $(PY) manage.py demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A idw worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A idw beat --loglevel=INFO

bench: install
	$(PY) -m bench --scale $(SCALE)
