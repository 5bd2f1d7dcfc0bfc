# The two commands of the README: `make site` and `make test`. Both set everything up first.
# Everything lands inside the checkout: .venv/ (Python), node_modules/ (npm), docs/assets/vendor/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP_STAMP := $(VENV)/.derivnotes-installed
NPM_STAMP := node_modules/.derivnotes-installed
MATHJAX   := docs/assets/vendor/mathjax/mml-chtml.js
# The math font of the site's MathML (subset at build time): Debian's fonts-lmodern.
MATH_FONT := /usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf
WHEELS    := .cache/browser-wheels
WHEELS_STAMP := $(WHEELS)/.derivnotes-downloaded
SITE_DIR  ?= site
# Material prints a banner about MkDocs 2.0 at every build; the move it asks about is covered by
# tests/test_zensical.py, so contributors need not read it on every save under `make serve`.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup site serve test check lint audit node chromium clean

## setup: Python venv with pinned packages, npm assets, MathJax copied into docs/
setup: $(PIP_STAMP) $(MATHJAX) $(WHEELS_STAMP) $(MATH_FONT)

$(PIP_STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[docs,test]'
	touch $@

# What the checker in the reader's browser runs besides derivnotes: PyPI's files, pinned by hash.
$(WHEELS_STAMP): requirements-browser.lock | $(PIP_STAMP)
	rm -rf $(WHEELS) && mkdir -p $(WHEELS)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
	  --no-binary pyyaml -r requirements-browser.lock -d $(WHEELS)
	touch $@

$(NPM_STAMP): package.json package-lock.json | node
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# MathJax is served by the site itself: copy what tex-chtml.js and mml-chtml.js load
# (components, fonts), the fallbacks of docs/javascripts/mathjax.js.
$(MATHJAX): $(NPM_STAMP)
	rm -rf docs/assets/vendor/mathjax
	mkdir -p docs/assets/vendor/mathjax/output
	cp node_modules/mathjax/es5/tex-chtml.js node_modules/mathjax/es5/mml-chtml.js \
	   docs/assets/vendor/mathjax/
	cp -r node_modules/mathjax/es5/input node_modules/mathjax/es5/a11y \
	      node_modules/mathjax/es5/ui node_modules/mathjax/es5/sre docs/assets/vendor/mathjax/
	cp -r node_modules/mathjax/es5/output/chtml docs/assets/vendor/mathjax/output/
	cp node_modules/mathjax/LICENSE docs/assets/vendor/mathjax/

## site: build the site into site/ (a failed build leaves the previous site/ untouched)
site: setup
	rm -rf $(SITE_DIR).partial
	$(BIN)/mkdocs build --strict --site-dir $(SITE_DIR).partial
	rm -rf $(SITE_DIR) && mv $(SITE_DIR).partial $(SITE_DIR)

## serve: live-reloading preview on http://127.0.0.1:8000/derivnotes/
serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Debian packages, installed only when missing (with sudo unless root).
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

## node: Node.js and npm, for the npm assets and build-time math (Debian's, when missing)
node:
	@command -v npm >/dev/null 2>&1 || { $(APT_INSTALL) nodejs npm; }

$(MATH_FONT):
	$(APT_INSTALL) fonts-lmodern

## chromium: Debian's Chromium for the browser tests (installed only when missing)
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(APT_INSTALL) chromium; }

## test: the whole suite (doctests, unit, site build, real browser)
test: setup chromium
	$(BIN)/python -m pytest

## check: decide every derivation block under docs/ without building the site
check: setup
	$(BIN)/derivnotes check docs

## audit: Lighthouse (mobile, desktop) and page weight of the built site (benchmarks/audit.py)
audit: setup chromium
	$(BIN)/python benchmarks/audit.py

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(SITE_DIR) $(SITE_DIR).partial .cache docs/assets/vendor
