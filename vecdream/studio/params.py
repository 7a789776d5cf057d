"""Check a job's parameters before it is queued: one line naming the option when wrong.

A page sends JSON; :func:`check_params` keeps the known options of the job kind, checks
types and ranges, fills defaults, and turns workspace-relative file names into absolute
paths inside the workspace (anything outside is refused), so a task never sees a path a
request could choose freely.
"""

from __future__ import annotations

from typing import Any

from vecdream.studio.workspace import Workspace

__all__ = ["DEFAULT_LAYERS", "SPECS", "ParamError", "check_params"]


class ParamError(ValueError):
    """A job parameter is missing or wrong; the message names it."""


def _int(lo: int, hi: int, default: int | None = None) -> dict:
    return {"type": "int", "lo": lo, "hi": hi, "default": default}


def _choice(options: tuple[str, ...], default: str | None = None) -> dict:
    return {"type": "choice", "options": options, "default": default}


def _text(default: str | None = None, limit: int = 400) -> dict:
    return {"type": "text", "default": default, "limit": limit}


def _file(suffixes: tuple[str, ...] = (), folder: bool = False, optional: bool = False) -> dict:
    return {"type": "file", "suffixes": suffixes, "folder": folder, "optional": optional}


_FAMILIES = ("truchet", "smith", "carlson", "maze", "flow", "circles")  # a test checks
_STYLES = ("clean", "dense", "colour")
_NETS = ("efficientnet_lite0", "vgg16", "resnet18")
DEFAULT_LAYERS = {"efficientnet_lite0": "blocks.4", "vgg16": "conv3_3", "resnet18": "layer3"}
"""The layer each net dreams by default, as ``vecdream dream`` (a test checks)."""

SPECS: dict[str, dict[str, dict]] = {
    "seeds": {"family": _choice(_FAMILIES), "count": _int(1, 64, 8), "size": _int(32, 1024, 128),
              "palette": _text(""), "palette_file": _file((".gpl", ".ase"), optional=True),
              "style": _choice(("fill", "stroke", "both"), "fill"),
              "seed": _int(0, 2**31 - 1, 0)},
    "folder": {"folder": _file(folder=True)},
    "variations": {"svg": _file((".svg",)), "count": _int(1, 24, 6), "palette": _text(""),
                   "seed": _int(0, 2**31 - 1, 0)},
    "train": {"folder": _file(folder=True), "steps": _int(1, 20000, 200),
              "size": _int(32, 128, 64), "sheet_every": _int(1, 5000, 25),
              "generator": _choice(("auto", "paths", "lattice"), "auto"),
              "samples": _int(1, 64, 8), "seed": _int(0, 2**31 - 1, 0)},
    "channels": {"net": _choice(_NETS, "efficientnet_lite0"), "layer": _text("blocks.4", 80),
                 "count": _int(1, 64, 12), "steps": _int(1, 500, 40),
                 "seed": _int(0, 2**31 - 1, 0)},
    "dream": {"net": _choice(_NETS, "efficientnet_lite0"), "layer": _text("blocks.4", 80),
              "channel": _int(0, 4095, 0), "style": _choice(_STYLES, "clean"),
              "paths": _int(1, 2000, 200), "size": _int(32, 1024, 224),
              "steps": _int(1, 5000, 300), "seed": _int(0, 2**31 - 1, 0),
              "tiles": _int(0, 4, 0), "large_steps": _int(1, 2000, 50),
              "page": _choice(("A5", "A4", "A3", "Letter"), "A4"), "pen_mm": _text("0.5", 10)},
    "paint": {"photo": _file((".png", ".jpg", ".jpeg", ".webp")),
              "medium": _choice(("pen", "brush"), "pen"),
              "brush": _choice(("classic/pen", "tanda/marker-01", "deevad/brush"),
                               "classic/pen"),
              "size": _int(32, 512, 192),
              "steps": _int(1, 2000, 300), "paths": _int(1, 2000, 500),
              "seed": _int(0, 2**31 - 1, 0)},
}
"""The options of each job kind: type, range and default."""


def _check(kind: str, name: str, spec: dict, value: Any, workspace: Workspace) -> Any:
    t = spec["type"]
    if t == "int":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ParamError(f"{name}: expected a whole number, got {value!r}")
        try:
            number = int(value)
        except ValueError:
            raise ParamError(f"{name}: expected a whole number, got {value!r}") from None
        if not spec["lo"] <= number <= spec["hi"]:
            raise ParamError(f"{name}: expected {spec['lo']}-{spec['hi']}, got {number}")
        return number
    if t == "choice":
        if value not in spec["options"]:
            raise ParamError(f"{name}: expected one of {', '.join(spec['options'])}, "
                             f"got {value!r}")
        return value
    if t == "text":
        if not isinstance(value, str) or len(value) > spec["limit"]:
            raise ParamError(f"{name}: expected text of at most {spec['limit']} characters")
        return value.strip()
    if not isinstance(value, str) or not value:
        raise ParamError(f"{name}: expected a file of the workspace, got {value!r}")
    path = workspace.resolve(value)  # OutsideWorkspace (a ValueError) names the path
    if spec["folder"] != path.is_dir() or not path.exists():
        raise ParamError(f"{name}: no {'folder' if spec['folder'] else 'file'} {value!r} "
                         "in the workspace")
    if spec["suffixes"] and path.suffix.lower() not in spec["suffixes"]:
        raise ParamError(f"{name}: expected {', '.join(spec['suffixes'])}, got {path.name!r}")
    return str(path)


def check_params(kind: str, params: dict, workspace: Workspace) -> dict:
    """``params`` of job ``kind`` checked and completed (file names made absolute).

    Raises:
        ParamError: an unknown kind or option, a missing one, or a bad value.
        OutsideWorkspace: a file name outside the workspace.
    """
    if kind not in SPECS:
        raise ParamError(f"kind: expected one of {', '.join(SPECS)}, got {kind!r}")
    if not isinstance(params, dict):
        raise ParamError("expected a JSON object of options")
    unknown = sorted(set(params) - set(SPECS[kind]))
    if unknown:
        raise ParamError(f"{unknown[0]}: not an option of {kind} "
                         f"(options: {', '.join(SPECS[kind])})")
    checked = {}
    for name, spec in SPECS[kind].items():
        value = params.get(name)
        if value is None or value == "" and spec["type"] != "text":
            if spec["type"] == "file" and spec["optional"]:
                continue
            if spec.get("default") is None:
                raise ParamError(f"{name}: missing")
            value = spec["default"]
        checked[name] = _check(kind, name, spec, value, workspace)
    if kind == "seeds" and "palette_file" in checked:
        checked["palette"] = checked.pop("palette_file")
    if kind == "dream":
        try:
            checked["pen_mm"] = float(checked["pen_mm"].removesuffix("mm"))
        except ValueError:
            raise ParamError(f"pen_mm: expected a width in mm, got {checked['pen_mm']!r}"
                             ) from None
        if not 0.05 <= checked["pen_mm"] <= 5:
            raise ParamError(f"pen_mm: expected 0.05-5 mm, got {checked['pen_mm']}")
    return checked
