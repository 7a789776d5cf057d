"""Shared test fixtures."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]

MYPAINT_PACKAGES = "libmypaint-1.5-1 mypaint-brushes"


@pytest.fixture(autouse=True)
def _mypaint_engine(request):
    """Tests marked ``mypaint`` need the real brush engine: they skip with the Debian
    packages' names where it is missing, and fail instead when
    ``VECDREAM_REQUIRE_MYPAINT=1`` (set by ``.ci/run``, which installs them)."""
    if request.node.get_closest_marker("mypaint") is None:
        return
    from vecdream.painter.mypaint import mypaint_available

    if mypaint_available():
        return
    if os.environ.get("VECDREAM_REQUIRE_MYPAINT") == "1":
        pytest.fail(f"VECDREAM_REQUIRE_MYPAINT=1 but libmypaint is missing ({MYPAINT_PACKAGES})")
    pytest.skip(f"needs libmypaint: apt-get install {MYPAINT_PACKAGES}")


@pytest.fixture(scope="module")
def one_thread():
    """Tiny jobs gain nothing from threads; on a busy machine idle threads spin."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@dataclass
class NotebookRun:
    """What an executed notebook showed: its code cells' outputs, in order."""

    outputs: list

    @property
    def text(self) -> str:
        """The printed text (stream outputs)."""
        return "".join(o.get("text", "") for o in self.outputs)

    @property
    def kinds(self) -> set[str]:
        """The MIME types displayed (``image/png``, ``image/svg+xml``...)."""
        return {k for o in self.outputs for k in o.get("data", {})}


@pytest.fixture
def run_notebook(tmp_path, monkeypatch):
    """``run_notebook(name, first_line, settings)`` executes ``notebooks/<name>`` with its
    first code cell (which must start with ``first_line``) replaced by ``settings`` and
    ``append`` (code), if given, added as a last cell, in ``tmp_path``; it fails on any
    error and returns a :class:`NotebookRun`. OMP_NUM_THREADS=1: the kernel inherits it,
    and these tiny jobs only lose from threads spinning on a busy machine."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")

    def run(name: str, first_line: str, settings: str, *, append: str | None = None,
            timeout: int = 120) -> NotebookRun:
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].source.startswith(first_line), f"the first code cell must set {first_line}"
        code[0].source = settings
        if append is not None:
            nb.cells.append(nbformat.v4.new_code_cell(append))
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        return NotebookRun(outputs)
    return run
