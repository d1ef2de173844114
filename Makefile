# aura_kit — two commands: `make lab` and `make test`. Both install what they need.
# Re-running is fast: each install step is skipped when its stamp is newer than its inputs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APT    := DEBIAN_FRONTEND=noninteractive apt-get
PYTEST := $(BIN)/python -m pytest
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
NBVAL  := --nbval --nbval-sanitize-with tests/notebooks/sanitize.cfg --nbval-current-env
# JupyterLab opens at the first lesson, fetches no news (the settings in lab-settings/ also
# stop it asking), and opens no browser where there is no display to show one.
FIRST_LESSON := $(patsubst notebooks/%,%,$(firstword $(sort $(wildcard notebooks/course/[0-9][0-9]-*.ipynb))))
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
HAS_DISPLAY := $(or $(DISPLAY),$(WAYLAND_DISPLAY),$(filter Darwin,$(shell uname -s)))
LAB_FLAGS := --notebook-dir=notebooks --LabApp.default_url=/lab/tree/$(FIRST_LESSON) \
	--LabApp.news_url=None $(if $(HAS_DISPLAY),,--no-browser) $(ROOT_FLAG)

.PHONY: lab test test-unit test-notebooks test-browser test-long lint lessons bench app system-dot system-browser clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/ —/'

lab: system-dot $(STAMP) $(LAB_OVERRIDES)  ## install everything and open JupyterLab at the first lesson
	$(BIN)/jupyter lab $(LAB_FLAGS)

test: system-dot system-browser $(STAMP)  ## install everything and run every test
	$(MAKE) --no-print-directory lint test-unit test-notebooks test-browser

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || ($(APT) update -qq && $(APT) install -y -qq python3-venv && $(PYTHON) -m venv $(VENV))

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

$(LAB_OVERRIDES): lab-settings/overrides.json | $(STAMP)
	mkdir -p $(dir $@)
	cp lab-settings/overrides.json $@

system-dot:  ## the Graphviz dot binary (apt), when missing
	@command -v dot >/dev/null || ($(APT) update -qq && $(APT) install -y -qq graphviz)

system-browser:  ## Debian's Chromium for the browser tests, when missing
	@test -x /usr/bin/chromium || ($(APT) update -qq && $(APT) install -y -qq chromium chromium-driver)

lint: $(STAMP)  ## ruff (lint + format check) and mypy on the package
	$(BIN)/ruff check aura_kit tests benchmarks scripts
	$(BIN)/ruff format --check aura_kit tests benchmarks scripts
	$(BIN)/mypy

test-unit: $(STAMP)  ## unit and property tests (fast Hypothesis profile)
	$(PYTEST) -m "not browser and not slow" -q

test-notebooks: $(STAMP)  ## every notebook through nbval (lessons: solution and student versions, answer-key mode)
	AURA_ANSWER_KEY=1 $(PYTEST) $(NBVAL) notebooks solutions -q

lessons: $(STAMP)  ## rebuild notebooks/course/NN-*.ipynb (blanks, no outputs) from solutions/NN-*.ipynb
	$(BIN)/python scripts/build_lessons.py

test-browser: $(STAMP) $(LAB_OVERRIDES)  ## JupyterLab + Chromium end to end (with make lab's settings)
	$(PYTEST) -m browser tests/browser -q

test-long: $(STAMP)  ## the long Hypothesis profile (5,000 examples per property, 100,000 fuzz inputs)
	AURA_PROFILE=long $(PYTEST) -m "not browser" -q

bench: $(STAMP)  ## benchmarks: ratios against baselines measured in the same run
	$(BIN)/python benchmarks/run_all.py

app: system-dot $(STAMP)  ## the explorer as a standalone page (Voila)
	$(BIN)/aura-kit app

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
