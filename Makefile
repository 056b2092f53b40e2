# edinfo – two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Passed to pytest, e.g. `make test PYTEST_ARGS="-k import"`.
PYTEST_ARGS ?=

.PHONY: install run test test-fast lint messages bench bench-smoke bench-board bench-import bench-reports bench-mapping clean

install: $(STAMP)

# xstatic-bootstrap builds from source and its build imports pkg_resources, which
# setuptools 82 removed: the build constraint keeps its build environment on setuptools<82.
$(STAMP): requirements.txt constraints-build.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PIP) install --quiet --build-constraint constraints-build.txt -r requirements.txt
	touch $(STAMP)

run: install
	@scripts/system-packages pdf
	$(PY) manage.py compilemessages_py
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "edinfo is starting at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@scripts/system-packages
	$(PY) manage.py compilemessages_py
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

messages: install
	$(PY) manage.py makemessages -l th --no-obsolete --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages_py

bench: bench-board bench-import bench-reports bench-mapping

# Every benchmark at a small size (a few hundred rows or schools, one run each), so a change that breaks
# one fails CI (.ci/run calls this) instead of rotting until someone measures. Figures from this run mean
# nothing; the full-size runs above are the measurements. PostgreSQL (DATABASE_URL or the local server).
SMOKE_DB ?= postgres://postgres@127.0.0.1:5432/postgres
bench-smoke: install
	DATABASE_URL=$(SMOKE_DB) BENCH_ROWS=300 BENCH_IE_ROWS=50 BENCH_REPEAT=1 $(PY) bench/bench_import.py
	DATABASE_URL=$(SMOKE_DB) BENCH_SCHOOLS=300 BENCH_RUNS=1 $(PY) bench/bench_board.py
	DATABASE_URL=$(SMOKE_DB) BENCH_SCHOOLS=300 BENCH_STUDENTS=5000 BENCH_RUNS=1 $(PY) bench/bench_reports.py
	DATABASE_URL=$(SMOKE_DB) BENCH_SCHOOLS=300 BENCH_RUNS=1 BENCH_SAMPLE=30 $(PY) bench/bench_mapping.py

# Student import speed (bench/README.md). COPY needs PostgreSQL: DATABASE_URL=postgres://… make bench-import
bench-import: install
	$(PY) bench/bench_import.py

# The completeness board at national scale (29,579 schools) on PostgreSQL, in a database of its own.
bench-board: install
	$(PY) bench/bench_board.py

# The report selectors and a report PDF at national scale (~6.5M synthetic students, COPY-loaded) on
# PostgreSQL, in a database of its own. BENCH_STUDENTS=300000 for a quick run.
bench-reports: install
	$(PY) bench/bench_reports.py

# The school map and the small-school table for 29,579 schools (bench/README.md); PostgreSQL.
bench-mapping: install
	$(PY) bench/bench_mapping.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
