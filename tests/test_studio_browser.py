"""vecdream studio in a real browser: headless Chromium (Debian ``chromium``) driven by
Playwright, against ``vecdream studio`` started as a user starts it.

Skips with the package's name where Chromium or Playwright is missing (``make test`` on a
bare machine); ``VECDREAM_REQUIRE_CHROMIUM=1`` (set by ``.ci/run``, which installs it)
turns the skip into a failure. ``VECDREAM_SCREENSHOTS=DIR`` saves the README's
screenshots there (``make screenshots``).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CHROMIUM = "chromium"
SCREENSHOTS = os.environ.get("VECDREAM_SCREENSHOTS")
# Screenshots show the studio's real defaults; the test alone runs tiny jobs.
DREAM = {"steps": "300", "size": "224", "paths": "200"} if SCREENSHOTS else {
    "steps": "8", "size": "96", "paths": "40"}
PAINT = {"steps": "150", "size": "192"} if SCREENSHOTS else {"steps": "4", "size": "64"}


def _chromium() -> str:
    path = shutil.which(CHROMIUM) or shutil.which("chromium-browser")
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the Python package playwright (pip install playwright)"
    if path is None:
        missing = f"headless Chromium: apt-get install {CHROMIUM}"
    if missing is None:
        return path
    if os.environ.get("VECDREAM_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"VECDREAM_REQUIRE_CHROMIUM=1 but {missing} is missing")
    pytest.skip(f"needs {missing}")


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """The studio as a user starts it; yields its URL and workspace."""
    workspace = tmp_path_factory.mktemp("workspace")
    proc = subprocess.Popen(
        [sys.executable, "-m", "vecdream", "studio", "--port", "0", "--workspace",
         str(workspace), "--max-upload-mb", "0.2"], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    line = proc.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    assert match, f"the studio printed no URL: {line!r}"
    yield match.group(1), workspace
    proc.terminate()
    assert proc.wait(20) is not None


@pytest.fixture(scope="module")
def page(studio):
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(120_000)
        pg.goto(studio[0])
        pg.wait_for_selector("body[data-ready='1']")
        yield pg
        browser.close()


def wait_for(page, selector: str, timeout: float = 120_000) -> None:
    """Wait for ``selector``; an error the page shows instead fails at once, with it."""
    page.wait_for_selector(f"{selector}, #message:not([hidden])", timeout=timeout)
    assert page.locator("#message").is_hidden(), page.inner_text("#message")
    page.wait_for_selector(selector, timeout=timeout)


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_seeds_issue_and_export_in_the_browser(page, tmp_path):
    import pypdfium2

    page.select_option("#family", "truchet")
    page.fill("#seeds-form input[name=count]", "4")
    page.click("#gen-seeds")
    wait_for(page, "#seed-grid .seed:nth-child(4)")
    assert page.locator("#seed-grid .seed").count() == 4
    assert "contours" in page.inner_text("#seed-grid .seed >> nth=0")
    page.click("#seed-grid .seed img >> nth=0")  # its Mosaic preview and variations
    wait_for(page, "#variation-grid .seed:nth-child(6)")
    page.wait_for_function("document.querySelector('#mosaic-page').naturalWidth > 0")
    shot(page, "seeds")
    page.check("#seed-grid .seed >> nth=0 >> input.select")
    page.check("#seed-grid .seed >> nth=1 >> input.select")
    page.check("#variation-grid .seed >> nth=0 >> input.select")  # a copy of seed 0
    page.fill("#campaign", "spring")
    page.click("#issue")
    wait_for(page, "#issue-results li:nth-child(3)")
    lines = page.locator("#issue-results li").all_inner_texts()
    assert sum(t.startswith("admitted") for t in lines) == 2, lines
    refused = [t for t in lines if t.startswith("refused")]
    assert len(refused) == 1 and "truchet_00000" in refused[0], lines
    shot(page, "catalogue")
    page.click("#export")
    wait_for(page, "#export-link:not([hidden])")
    with page.expect_download() as download:
        page.click("#export-link")
    archive = tmp_path / "export.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as zf:
        pdfs = sorted(n for n in zf.namelist() if n.endswith(".pdf"))
        manifest = json.loads(zf.read("manifest.json"))
        assert len(pdfs) == 2
        for name in pdfs:  # vector: path objects, no raster image
            pdf = pypdfium2.PdfDocument(io.BytesIO(zf.read(name)))
            kinds = {obj.type for obj in pdf[0].get_objects()}
            assert pypdfium2.raw.FPDF_PAGEOBJ_PATH in kinds
            assert pypdfium2.raw.FPDF_PAGEOBJ_IMAGE not in kinds
    rows = manifest["seeds"] if isinstance(manifest, dict) else manifest
    assert sorted(f"{r['id']:06d}_{r['name']}.pdf" for r in rows) == pdfs


def test_a_short_dream_in_the_browser(page, tmp_path):
    page.click(".tab[data-tab=dream]")
    page.select_option("#net", "resnet18")  # the layer list follows the net
    page.wait_for_function("document.querySelector('#layer').value === 'layer3'")
    assert page.locator("#layer-list option[value=layer4]").count() == 1
    page.select_option("#net", "efficientnet_lite0")
    page.wait_for_function("document.querySelector('#layer').value === 'blocks.4'")
    form = "#dream-form"
    for name, value in DREAM.items():
        page.fill(f"{form} input[name={name}]", value)
    page.click("#dream")
    wait_for(page, "#dream-result a", timeout=600_000)
    steps = DREAM["steps"]
    assert page.inner_text("#dream-job .text").startswith(f"done: dream: step {steps} of "
                                                          f"{steps}")
    assert page.locator("#dream-job progress").get_attribute("value") == steps
    assert "pen lifts" in page.inner_text("#dream-result")
    shot(page, "dream")
    with page.expect_download() as download:
        page.click("#dream-result a:text('SVG')")
    path = tmp_path / "dream.svg"
    download.value.save_as(path)
    assert path.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert "studio dream" in path.read_text()  # provenance


def test_a_photo_painted_in_the_browser(page, tmp_path):
    from PIL import Image
    from skimage import data

    photo = tmp_path / "astronaut.jpg"  # under the studio's 0.2 MB upload limit here
    Image.fromarray(data.astronaut()).resize((256, 256)).save(photo, quality=90)
    page.click(".tab[data-tab=paint]")
    page.set_input_files("#photo-file", str(photo))
    for name, value in PAINT.items():
        page.fill(f"#paint-form input[name={name}]", value)
    page.click("#paint")
    wait_for(page, "#paint-result a", timeout=600_000)
    page.wait_for_function("document.querySelector('#paint-photo').naturalWidth > 0")
    assert "provenance" in page.inner_text("#paint-result")
    assert page.locator("#paint-result a:text('SVG')").count() == 1
    shot(page, "paint")


def test_the_studio_refuses_traversal_and_oversized_uploads(page, studio):
    url = studio[0].rstrip("/")
    r = page.request.get(f"{url}/files/..%2f..%2f..%2fetc%2fpasswd")
    assert r.status == 403 and "outside the workspace" in r.json()["error"]
    r = page.request.post(f"{url}/api/uploads?kind=seeds", multipart={
        "files": {"name": "big.svg", "mimeType": "image/svg+xml",
                  "buffer": b"<svg>" + b" " * 300_000 + b"</svg>"}})
    assert r.status == 413 and "limit" in r.json()["error"]
    page.reload()  # what was done is still there, and opens again
    page.wait_for_selector("body[data-ready='1']")
    page.click(".tab[data-tab=jobs]")
    page.wait_for_selector("#job-table tbody tr")
    assert page.locator("#job-table td.done").count() >= 4
    page.click("#job-table tr:has(td:text-is('dream')) button:text('Open')")
    wait_for(page, "#dream-result a:text('plotter SVG')")
