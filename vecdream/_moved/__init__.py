"""Old module paths, kept for one release (until vecdream 0.2) with a DeprecationWarning.

The dream stage moved into :mod:`vecdream.dream` (0.1.0). ``vecdream/__init__`` puts this
folder on the package's ``__path__``, so ``import vecdream.optimize`` finds
``_moved/optimize.py``, which warns and binds the old name to the new module itself (one
module object: a monkeypatch through either name reaches both). The command-line modules
(``vecdream.cli_*``) were never public and have no aliases.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from types import ModuleType

MOVED: dict[str, str] = {
    f"vecdream.{name}": f"vecdream.dream.{name}"
    for name in ("augment", "channels", "channels_job", "init", "large", "loop",
                 "loops", "optimize", "pen", "photo", "styles", "sweep", "tiles", "windows")
} | {"vecdream.hygiene": "vecdream.dream.reseed"}  # its class is now Reseed
"""``old module name -> new module name``."""


def alias(old: str) -> ModuleType:
    """Warn that ``old`` moved, import its new module and register it under ``old``.

    Args:
        old: the importing shim's ``__name__`` (``vecdream.optimize``).
    """
    new = MOVED[old.replace("vecdream._moved.", "vecdream.")]
    warnings.warn(f"{old} moved to {new}; the old path goes in vecdream 0.2",
                  DeprecationWarning, stacklevel=3)
    module = importlib.import_module(new)
    sys.modules[old] = module  # the import system returns what sys.modules holds
    return module
