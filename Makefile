# Two set-up commands on a fresh machine: `make dream` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dream test bench lint clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

dream: $(STAMP)
	$(BIN)/vecdream random --paths 200 --size 256x256 --colors --seed 0 --out out/random.svg

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/render.py

lint: $(STAMP)
	$(BIN)/ruff check vecdream tests benchmarks

clean:
	rm -rf $(VENV) out
