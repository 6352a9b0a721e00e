# The two commands of the README: `make book` and `make test`.
# Everything runs in .venv, created on first use from requirements-dev.txt (which
# includes requirements.txt, what running the notebooks needs).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# pytest's worker processes (JOBS=1 for one): the trainings and notebook kernels run
# on one thread each, so a 2-core machine runs two at once; --dist loadscope keeps
# each notebook (and each test module) on one worker, as nbval needs.
JOBS   ?= 2

.PHONY: help venv book test unit nbval lint js notebooks lab bench evaluate roads posterior explorer-grid student doctor clean

help:
	@echo "make book       build both sites into _build/html/{en,ko} and a landing page (uses committed outputs)"
	@echo "make test       every test: lint, unit tests, nbval on all notebooks, site checks"
	@echo "make unit       the fast tier: every test not marked slow (no notebooks, no browser)"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make notebooks  re-execute every notebook in place (after changing vi_helpers), then the workshop schedule"
	@echo "make bench      measure speeds; writes benchmarks/results and the Performance page"
	@echo "make evaluate   the 5-seed calibration table (JSON + Markdown)"
	@echo "make roads      chapter 7's 20-seed comparison by region (book/data/roads.json)"
	@echo "make posterior  chapter 8's reference posterior (HMC, 8 chains) against VI, Laplace, ensemble (book/data/posterior.json; about 16 min, 1 thread)"
	@echo "make explorer-grid  recompute the static explorer's grid (book/data/explorer-grid.json)"
	@echo "make student    student notebooks without solutions, into student/"
	@echo "make js         rebuild the playground's script from its modules (npm: pinned esbuild)"
	@echo "make doctor     pre-flight check for a workshop laptop"

# torch for the CPU. On Linux x86-64 PyPI's torch is the CUDA build (torch and about
# 19 nvidia/triton wheels, several GB), and the book never uses a GPU; PyTorch's own
# index has the CPU build of the same version. It goes in first, on its own, so that
# requirements-dev.txt finds its pin met. pip still takes a CPU wheel it finds
# elsewhere (a wheel folder in pip's configuration); where neither answers, the step
# says so and pip goes on with PyPI's build (make doctor then flags it).
CPU_TORCH_INDEX := https://download.pytorch.org/whl/cpu
TORCH_PIN := $(shell grep -m1 '^torch==' requirements.txt)
ifeq ($(shell uname -sm),Linux x86_64)
CPU_TORCH = $(PY) -m pip install --quiet --no-deps --retries 0 --timeout 30 \
	  --index-url $(CPU_TORCH_INDEX) "$(TORCH_PIN)" \
	  || echo "make: no CPU build of $(TORCH_PIN) at $(CPU_TORCH_INDEX); pip goes on with PyPI's"
else
CPU_TORCH = @true
endif

$(STAMP): requirements.txt requirements-dev.txt requirements-crosscheck.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(CPU_TORCH)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-crosscheck.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# tools/fetch_assets.py: MathJax, RequireJS, the widget manager and the Korean web
# font from npm into .offline/ (ignored), served from _build/html/_static/offline/;
# without npm it says so and the pages load them from public CDNs instead.
# tools/book.py: the assets, then one strict Sphinx build per language (_build/html/en,
# _build/html/ko, each with its book/<lang>/_toc.yml) and the landing page.
book: $(STAMP)
	$(PY) -m tools.book

lint: $(STAMP)
	$(PY) -m ruff check conftest.py vi_helpers vi_explorer tools tests benchmarks book/_ext
	@if command -v node >/dev/null 2>&1; then \
	  for f in vi_explorer/*.js vi_explorer/playground/*.mjs vi_explorer/static/playground/*.js benchmarks/*.js book/_ext/static/*.js tests/js/*.mjs; do \
	    node --check $$f || exit 1; done; \
	else echo "lint: node not found, JavaScript not checked"; fi

# The playground's page script, vi_explorer/static/playground/vi_playground.js (committed,
# so that `make book` needs no npm), built from the ES modules of vi_explorer/playground/
# by the esbuild of package-lock.json; `npm test` runs their tests (tests/js/).
js:
	npm ci --ignore-scripts --no-audit --no-fund
	npm run build

# the fast tier: every test but the slow ones (long trainings, notebooks, browsers)
unit: $(STAMP)
	$(PY) -m pytest tests -m "not slow" -p no:nbval -o addopts=-ra -n $(JOBS) --dist loadscope

nbval: $(STAMP)
	$(PY) -m pytest notebooks

test: $(STAMP) lint book
	$(PY) -m pytest -n $(JOBS) --dist loadscope

notebooks: $(STAMP)
	$(PY) -m tools.execute notebooks
	$(PY) -m tools.schedule

lab: $(STAMP)
	$(PY) -m tools.lab notebooks

bench: $(STAMP)
	$(PY) -m benchmarks.run

evaluate: $(STAMP)
	$(PY) -m tools.evaluate evaluation

roads: $(STAMP)
	$(PY) -m tools.evaluate roads

posterior: $(STAMP)
	OMP_NUM_THREADS=1 $(PY) -m tools.posterior

explorer-grid: $(STAMP)
	$(PY) -m vi_explorer.grid

student: $(STAMP)
	$(PY) -m tools.student

doctor: $(STAMP)
	$(PY) -m tools.doctor

clean:
	rm -rf _build student screenshots
