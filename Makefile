# quartiers — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SEED := quartiers/demo/data/protocole-coeur-de-loriol-2020-2022.txt

.PHONY: install demo serve test pytest quality system-deps lock clean

# constraints.txt pins every version, so that CI and a fresh clone install what was tested.
$(BIN)/quartiers: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $@

install: $(BIN)/quartiers

## make lock: the newest versions pyproject.toml allows, written to constraints.txt
lock:
	rm -rf $(VENV).lock
	$(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip install --quiet --disable-pip-version-check -e ".[test]"
	{ head -1 constraints.txt; $(VENV).lock/bin/pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf $(VENV).lock

## make demo: install, migrate SQLite, load the Loriol protocol and demo data, collect the static
## files and serve on :8000 as deployed (gunicorn, DEBUG off, local.env), with the background
## worker (e-mails, imports) beside it, stopped when the server stops
demo: install local.env
	$(BIN)/quartiers migrate --noinput
	$(BIN)/quartiers load_demo --apply
	$(BIN)/quartiers collectstatic --noinput -v0
	$(BIN)/quartiers db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "quartiers : http://127.0.0.1:8000 (Ctrl-C pour arrêter)"; \
	$(BIN)/gunicorn config.wsgi --bind 127.0.0.1:8000 --workers 2 --access-logfile -

# This checkout's settings (DEBUG off on the loopback, its own secret), written once, never
# overwritten, kept out of git (config/local_env.py).
local.env: | $(BIN)/quartiers
	$(BIN)/python -m config.local_env $@

## make test: install what the tests need, check quality, run the whole suite
test: install system-deps quality pytest

pytest: install
	$(BIN)/pytest

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint quartiers/templates --lint --check
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/quartiers makemigrations --check --dry-run
	DEBUG=true STATIC_PRECOMPRESS=false STATIC_ROOT=$$(mktemp -d) $(BIN)/quartiers collectstatic --noinput -v0

# Browser and PDF tests use Debian's Chromium and poppler (root installs them; CI runs as root).
system-deps:
	@if command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && apt-get install -y -qq chromium poppler-utils fonts-dejavu-core fonts-dejavu-extra >/dev/null; \
	else \
		echo "Installez chromium, poppler-utils, fonts-dejavu-core et fonts-dejavu-extra (sudo apt-get install …)."; exit 1; \
	fi

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
