# gradbook: `make demo` and `make test` bootstrap everything from a fresh clone
# (a .venv with the package and its test tools, and Graphviz's `dot`).
#
# Variables: PY=/path/to/python3.11 to choose the interpreter for .venv;
#            PYTEST_ARGS="-k cli -x" to pass options to pytest.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

# Interpreter used to create the virtual environments: python3.11 when it is on PATH,
# else python3; either way it must be Python 3.11 or newer (checked before use).
PY ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)

VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
BENCH_VENV  := .bench-venv
BENCH_STAMP := $(BENCH_VENV)/.installed
PYTEST_ARGS ?=

# The editable install maps the top-level packages as they are *when it runs*: a package
# directory created later (autograd/, nn/, viz/) would be invisible to the `gradbook` script,
# and one that had no __init__.py yet stays a namespace package. The stamp records which
# directories and __init__.py files existed; when that set changes, reinstall.
PKGS := $(sort $(wildcard $(foreach p,autograd nn viz gradbook,$(p) $(p)/__init__.py)))
ifneq ($(PKGS),$(strip $(shell cat $(STAMP) 2>/dev/null)))
.PHONY: $(STAMP)
endif
ifneq ($(PKGS),$(strip $(shell cat $(BENCH_STAMP) 2>/dev/null)))
.PHONY: $(BENCH_STAMP)
endif

# Shell helpers pasted at the top of the recipes that need them.
#   can_apt: true when apt-get exists and we are root or have passwordless sudo;
#            sets $$sudo to the prefix to use ("" or "sudo -n").
#   apt_install PKG...: apt-get update + install, non-interactive.
#   make_venv DIR: create DIR with $(PY) after checking it is Python >= 3.11 (kept when usable).
define HELPERS
can_apt() {
	command -v apt-get >/dev/null 2>&1 || return 1
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; return 0; fi
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; return 0; fi
	return 1
}
apt_install() {
	echo ">> apt-get install $$*"
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$$@" </dev/null
}
py_ok() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
make_venv() {
	dir="$$1"
	if [ -x "$$dir/bin/python" ] && py_ok "$$dir/bin/python"; then return 0; fi
	if ! command -v "$(PY)" >/dev/null 2>&1; then
		echo "error: '$(PY)' was not found. gradbook needs Python 3.11 or newer." >&2
		echo "  Debian/Ubuntu: sudo apt-get install python3.11 python3.11-venv" >&2
		echo "  or point make at one: make $(MAKECMDGOALS) PY=/path/to/python3.11" >&2
		exit 1
	fi
	if ! py_ok "$(PY)"; then
		echo "error: '$(PY)' is $$("$(PY)" --version 2>&1); gradbook needs Python 3.11 or newer." >&2
		echo "  Debian/Ubuntu: sudo apt-get install python3.11 python3.11-venv" >&2
		echo "  then: make $(MAKECMDGOALS) PY=python3.11" >&2
		exit 1
	fi
	ver="$$("$(PY)" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
	echo ">> creating $$dir with $(PY) (Python $$ver)"
	rm -rf "$$dir"
	if ! "$(PY)" -m venv "$$dir"; then
		rm -rf "$$dir"
		# Debian and Ubuntu ship venv/ensurepip separately from the interpreter.
		if can_apt; then
			apt_install "python$$ver-venv"
			"$(PY)" -m venv "$$dir"
		else
			echo "error: '$(PY) -m venv' failed. On Debian/Ubuntu install the venv module:" >&2
			echo "  sudo apt-get install python$$ver-venv" >&2
			exit 1
		fi
	fi
}
endef

.PHONY: help venv dot cjkfont chromium demo test lint notebooks bench clean distclean

help:
	@echo "make demo       bootstrap .venv and Graphviz, then run 'gradbook demo'"
	echo "make test       bootstrap, then ruff check, mypy and pytest (what CI runs: .ci/run)"
	echo "make lint       ruff check ."
	echo "make notebooks  open the course and the exercises in JupyterLab (installed on first use)"
	echo "make bench      benchmarks against micrograd and PyTorch, in a separate .bench-venv"
	echo "make venv       create .venv and install gradbook with its test extras (idempotent)"
	echo "make dot        make sure Graphviz's 'dot' is installed"
	echo "make cjkfont    make sure a Chinese font is installed (plots and graphs in Chinese)"
	echo "make chromium   make sure Chromium is installed (the explore page's browser tests)"
	echo "make clean      remove caches, build outputs and gradbook-demo/"
	echo "make distclean  clean, and remove .venv and .bench-venv"

# --- environment --------------------------------------------------------------------------

venv: $(STAMP)

# Reinstalled whenever pyproject.toml changes (dependencies, extras, entry points) or the set
# of top-level packages does (see PKGS above).
$(STAMP): pyproject.toml
	@$(HELPERS)
	make_venv $(VENV)
	echo ">> installing gradbook (editable) with its test and export extras into $(VENV)"
	$(BIN)/python -m pip install --quiet -e ".[test,export]"
	echo "$(PKGS)" > $@

dot:
	@if command -v dot >/dev/null 2>&1; then exit 0; fi
	$(HELPERS)
	if can_apt; then
		apt_install graphviz
		if command -v dot >/dev/null 2>&1; then exit 0; fi
		echo "error: the graphviz package was installed but 'dot' is still not on PATH" >&2
		exit 1
	fi
	echo "error: Graphviz's 'dot' program is not on PATH, and it cannot be installed here" >&2
	echo "automatically (that needs apt-get as root or with passwordless sudo). Install it with:" >&2
	echo "  Debian/Ubuntu:  sudo apt-get install graphviz" >&2
	echo "  macOS:          brew install graphviz" >&2
	echo "  conda:          conda install -c conda-forge graphviz" >&2
	echo "  Windows:        winget install graphviz   (then add its bin folder to PATH)" >&2
	echo "then run make again." >&2
	exit 1

# Chinese text in plots and graph drawings (the Chinese course, lang="zh") needs a font with
# Chinese glyphs; without one, matplotlib draws empty boxes.
cjkfont:
	@if command -v fc-list >/dev/null 2>&1 && [ -n "$$(fc-list :lang=zh family)" ]; then exit 0; fi
	$(HELPERS)
	if can_apt; then
		apt_install fonts-noto-cjk fontconfig
		if [ -n "$$(fc-list :lang=zh family 2>/dev/null)" ]; then exit 0; fi
		echo "error: fonts-noto-cjk was installed but fontconfig lists no Chinese font" >&2
		exit 1
	fi
	echo "error: no font with Chinese glyphs is installed, and one cannot be installed here" >&2
	echo "automatically (that needs apt-get as root or with passwordless sudo). Plots and graph" >&2
	echo "drawings in Chinese need one. Install it with:" >&2
	echo "  Debian/Ubuntu:  sudo apt-get install fonts-noto-cjk" >&2
	echo "  Fedora/RHEL:    sudo dnf install google-noto-sans-cjk-fonts" >&2
	echo "  macOS:          brew install --cask font-noto-sans-cjk" >&2
	echo "then run make again." >&2
	exit 1

# The browser tests of viz.explore's page run it in a headless Chromium.
chromium:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi
	$(HELPERS)
	if can_apt; then
		apt_install chromium
		if command -v chromium >/dev/null 2>&1; then exit 0; fi
		echo "error: the chromium package was installed but 'chromium' is still not on PATH" >&2
		exit 1
	fi
	echo "error: Chromium is not on PATH, and it cannot be installed here automatically (that" >&2
	echo "needs apt-get as root or with passwordless sudo). The browser tests of the explore" >&2
	echo "page need it. Install it with:" >&2
	echo "  Debian:         sudo apt-get install chromium" >&2
	echo "  Ubuntu:         sudo snap install chromium" >&2
	echo "  Fedora/RHEL:    sudo dnf install chromium" >&2
	echo "  macOS:          brew install --cask chromium" >&2
	echo "so that a 'chromium' command is on PATH, then run make again." >&2
	exit 1

# --- the two main commands ----------------------------------------------------------------

demo: venv dot cjkfont
	@$(BIN)/gradbook demo

test: venv dot cjkfont chromium
	@echo ">> ruff check ."
	$(BIN)/ruff check .
	# the files and settings are in pyproject.toml's [tool.mypy]: autograd/, nn/, the exercise checks and the CLI messages
	echo ">> mypy"
	$(BIN)/mypy
	echo ">> pytest -n auto --dist worksteal $(PYTEST_ARGS)"
	rc=0
	# -n auto: one worker per core (pytest-xdist); worksteal evens out the long notebook runs
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS) || rc=$$?
	# Exit code 5 means pytest collected no tests: that is a failure, never a pass.
	if [ "$$rc" -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi
	exit "$$rc"

lint: venv
	@$(BIN)/ruff check .

# --- extras -------------------------------------------------------------------------------

notebooks: venv dot cjkfont
	@if [ ! -x $(BIN)/jupyter-lab ]; then
		echo ">> installing JupyterLab into $(VENV) (once; the tests do not need it)"
		$(BIN)/python -m pip install --quiet -e ".[notebooks]" || {
			echo "could not install JupyterLab: run '$(BIN)/python -m pip install jupyterlab'," >&2
			echo "then 'make notebooks' again" >&2
			exit 1
		}
	fi
	# root is usual inside containers, where JupyterLab refuses to start without --allow-root
	exec $(BIN)/jupyter-lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# A separate environment, so that micrograd and torch never become project dependencies.
$(BENCH_STAMP): pyproject.toml
	@$(HELPERS)
	make_venv $(BENCH_VENV)
	echo ">> installing gradbook, micrograd and torch into $(BENCH_VENV)"
	$(BENCH_VENV)/bin/python -m pip install --quiet micrograd torch==2.13.0 -e .
	echo "$(PKGS)" > $@

bench: $(BENCH_STAMP)
	@if [ -f benchmarks/run_all.sh ]; then
		PATH="$(CURDIR)/$(BENCH_VENV)/bin:$$PATH" VIRTUAL_ENV="$(CURDIR)/$(BENCH_VENV)" \
			bash benchmarks/run_all.sh
	else
		echo "benchmarks/run_all.sh does not exist yet; $(BENCH_VENV) is ready."
	fi

# --- cleaning -----------------------------------------------------------------------------

clean:
	@rm -rf build dist ./*.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis gradbook-demo
	find . -path ./$(VENV) -prune -o -path ./$(BENCH_VENV) -prune -o \
		\( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 | xargs -0 rm -rf

distclean: clean
	@rm -rf $(VENV) $(BENCH_VENV)
