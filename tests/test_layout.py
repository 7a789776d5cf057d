"""The layout docs/ARCHITECTURE.md and the README describe: few root modules, short
files, and every package and root module named in both documents."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vecdream"


def _root_modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))


def _packages() -> list[str]:
    return sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")
                  if not p.parent.name.startswith("_"))


def test_the_root_keeps_a_handful_of_modules():
    assert len(_root_modules()) <= 8, _root_modules()


def test_no_module_over_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in sorted(PACKAGE.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert not long, long


def test_readme_and_architecture_name_the_same_layout():
    architecture = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = re.search(r"## Layout\n(.*?)\n## ", readme, re.S).group(1)
    for name in _packages():
        assert f"{name}/" in layout and f"vecdream/{name}/" in architecture, name
    for name in _root_modules():
        assert f"{name}.py" in layout and f"{name}.py" in architecture, name
