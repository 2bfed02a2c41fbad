# Lazos — the two commands in the README work on a fresh clone with python3, pip and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test setup build lint format snapshot bench clean lock assets browser briefs system translations

# Set-up: a virtual environment with exactly the versions in requirements.lock (hashes checked),
# then Lazos itself on top without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP)

# Build the database from the embedded dataset committed in data/ (no network), and save the
# analyses (index, risk, alerts, opportunities) with the method version that produced them.
build: setup
	$(BIN)/lazos build
	$(BIN)/lazos analyses save

# The main job: build the database from the embedded data and serve the web app and the REST API
# at http://127.0.0.1:8000 (Ctrl-C stops it; `make run` again keeps what was ingested or imported).
run: build briefs
	@echo
	@echo "Also:     $(BIN)/lazos --help   (the same answers on the command line)"
	$(BIN)/lazos serve

# The whole suite: lint, then tests (the browser tests need Chromium and axe-core, the brief tests
# Pango, a CJK font and poppler-utils: `system` installs them where it can; where it cannot those
# tests skip with the reason).
test: setup system
	$(BIN)/ruff check lazos tests benchmarks
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check lazos tests benchmarks

format: setup
	$(BIN)/ruff format lazos tests benchmarks

# Regenerate the embedded dataset from the raw files in ../shared/data (needs them present).
snapshot: setup
	$(BIN)/lazos snapshot

# Update the lock deliberately (then commit it): every dependency of pyproject.toml, the dev extra
# and the build backend, resolved for every Python >= 3.11 and platform, with hashes.
lock:
	$(PYTHON) -m pip install --quiet uv
	printf 'hatchling>=1.25\neditables>=0.5\n' | $(PYTHON) -m uv pip compile pyproject.toml - --extra dev --universal \
		--python-version 3.11 --generate-hashes --no-header -o requirements.lock

# Front-end packages, exactly as package-lock.json has them (from the npm registry).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# The web app's built assets (vendor scripts, the map's shapes) from node_modules. They are
# committed, so `make run` needs no npm; run this after changing package.json and commit the result.
assets: node_modules/.package-lock.json
	node scripts/build_assets.mjs

# The interface text: extract it from the templates and code into messages.pot and merge it into
# the catalogs of es, pt and zh (then translate what is new and commit; tests check none is missing).
translations: setup
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --project=Lazos --version=0.1 --no-wrap --sort-by-file \
		-o lazos/web/locales/messages.pot .
	for lang in es pt zh; do \
		if [ -f lazos/web/locales/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-wrap --ignore-obsolete -i lazos/web/locales/messages.pot -d lazos/web/locales -l $$lang; \
		else \
			$(BIN)/pybabel -q init --no-wrap -i lazos/web/locales/messages.pot -d lazos/web/locales -l $$lang; \
		fi; \
	done

# Debian packages (apt-get, when missing and allowed) and front-end files beyond Python, each step
# idempotent, printing why when it cannot: `briefs` Pango, fonts-noto-cjk and poppler-utils (PDF
# briefs and their tests), `browser` chromium and axe-core (the browser tests), `system` both.
system:
	@sh scripts/install_system.sh

briefs:
	@sh scripts/install_system.sh briefs

browser:
	@sh scripts/install_system.sh browser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
