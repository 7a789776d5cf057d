"""What every ``vecdream`` command shares: checked option values, output names, provenance.

Rules the commands keep through these helpers:

- a bad value is one line naming the option, exit status 2 (``click.BadParameter``);
- every output name derives from one stem: ``--out x.svg|x.pdf|x.png`` writes the
  vector file (``x.svg``, plus ``x.pdf`` when asked) and ``x.png`` beside it, so a raster
  never overwrites the vector file;
- every file written carries a provenance record (``vecdream info FILE`` prints it).

torch loads inside the helpers that need it: the command modules import this one, and
``vecdream CMD --help`` should not pay for torch.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from vecdream.drawing import Drawing

__all__ = [
    "BRUSHES", "INTERRUPTED", "PAINTER_BRUSHES", "Outputs", "available_memory", "check_memory",
    "device_option",
    "draw_seed", "net_errors", "outputs_for", "parse_device", "write_drawing",
]

BRUSHES = ("classic/pen", "deevad/liner", "deevad/brush", "tanda/marker-01",
           "tanda/oil-03-paint", "classic/charcoal")
"""The replay presets (:data:`vecdream.painter.mypaint.BRUSHES`, which loads torch), for
``--brush`` help texts; tests/test_cli_lazy.py checks that the two agree."""

PAINTER_BRUSHES = ("classic/pen", "tanda/marker-01", "deevad/brush")
"""The presets a painter ships for (:data:`vecdream.painter.model.PAINTERS`), for help
texts; tests/test_cli_lazy.py checks that the two agree."""

INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""

# Bytes per output pixel, measured on this renderer as peak RSS growth (CPU, random
# strokes): a no-grad render written as PNG took 40 (50 strokes at 4096 px) to 145 (200 at
# 1024 px); a render with autograd 94-154 (200 strokes at 2048 and 1024 px). Ink coverage
# adds more, so the low ends are floors: a request above them cannot fit.
PNG_BYTES_PER_PIXEL = 40
GRAD_BYTES_PER_PIXEL = 100


@dataclass(frozen=True)
class Outputs:
    """The files one command writes, all from the stem of ``--out``."""

    svg: Path
    png: Path
    pdf: Path | None = None

    @property
    def ckpt(self) -> Path:
        return self.svg.with_suffix(".ckpt")

    @property
    def vector(self) -> Path:
        """The vector file the user named (PDF when asked, else SVG)."""
        return self.pdf or self.svg

    def sibling(self, suffix: str) -> Path:
        """``<stem><suffix>`` next to the outputs, e.g. ``_small.svg``."""
        return self.svg.with_name(self.svg.stem + suffix)


def outputs_for(path: Path, option: str = "--out") -> Outputs:
    """The output set of ``--out``: ``x.svg``, ``x.pdf`` (vector named) or ``x.png``.

    Raises:
        click.BadParameter: any other extension.
    """
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".pdf", ".png"):
        raise click.BadParameter(
            f"expected a file name ending in .svg, .pdf or .png, got {str(path)!r}",
            param_hint=f"'{option}'")
    return Outputs(path.with_suffix(".svg"), path.with_suffix(".png"),
                   path.with_suffix(".pdf") if suffix == ".pdf" else None)


def out_callback(_ctx: click.Context, param: click.Parameter, value: Path | None):
    """Click callback: ``--out`` as an :class:`Outputs` (None stays None)."""
    return None if value is None else outputs_for(value, f"--{param.name}")


def write_drawing(drawing: Drawing, outputs: Outputs, metadata: dict | None,
                  png_width: int | None = None) -> list[Path]:
    """Write the SVG, the PDF when asked, then the PNG; returns the paths written."""
    from vecdream.export import save_drawing

    drawing = drawing.detach()
    written = [outputs.svg] + ([outputs.pdf] if outputs.pdf else []) + [outputs.png]
    for path in written:
        save_drawing(drawing, path, width=png_width, metadata=metadata)
    return written


def parse_device(value: str, option: str = "--device") -> str:
    """Check ``--device`` (``auto``, ``cpu``, ``cuda``, ``cuda:N``, ``mps``) on this machine.

    ``auto`` becomes ``cuda`` when a GPU is usable, else ``cpu``. Every command with a
    ``--device`` checks it here (through :func:`device_option`), before any work.
    """
    import torch

    if value == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        device = torch.device(value)
    except (RuntimeError, ValueError):
        raise click.BadParameter(f"expected auto, cpu, cuda, cuda:N or mps, got {value!r}",
                                 param_hint=f"'{option}'") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise click.BadParameter(
                f"{value!r} asked, but CUDA is not available on this machine (no GPU, or a "
                "CPU-only torch); use --device cpu", param_hint=f"'{option}'")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise click.BadParameter(
                f"{value!r} asked, but this machine has {torch.cuda.device_count()} GPU(s) "
                f"(cuda:0..cuda:{torch.cuda.device_count() - 1})", param_hint=f"'{option}'")
    elif device.type == "mps" and not torch.backends.mps.is_available():
        raise click.BadParameter(f"{value!r} asked, but MPS is not available on this machine; "
                                 "use --device cpu", param_hint=f"'{option}'")
    elif device.type not in ("cpu", "cuda", "mps"):
        raise click.BadParameter(f"expected auto, cpu, cuda, cuda:N or mps, got {value!r}",
                                 param_hint=f"'{option}'")
    return str(device)


def device_option(fn=None, *, default: str = "auto"):
    """The ``--device`` option, checked by :func:`parse_device` before any work starts.

    ``@device_option`` (default ``auto``) or ``@device_option(default="cpu")``.
    """
    option = click.option(
        "--device", default=default, show_default=True,
        callback=lambda _c, _p, v: parse_device(v),
        help="auto (CUDA when available), cpu, cuda, cuda:N or mps.")
    return option if fn is None else option(fn)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (psutil, /proc/meminfo), or None."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _gib(n: float) -> str:
    return f"{n / 2**30:.3g} GiB" if n < 2**40 else f"{n / 2**40:.3g} TiB"


def check_memory(width: int, height: int, option: str, *, images: int = 1,
                 bytes_per_pixel: int = PNG_BYTES_PER_PIXEL, device: str = "cpu") -> None:
    """Refuse, before allocating, a render whose memory cannot fit on this machine.

    Args:
        device: where the render runs: a ``cuda`` device is checked against its free
            memory, anything else against the machine's available RAM.

    Raises:
        click.BadParameter: ``width * height * images * bytes_per_pixel`` (a floor) is
            more than the memory available now; the message says both numbers.
    """
    need = int(width) * int(height) * images * bytes_per_pixel
    where = "this machine"
    if device.startswith("cuda"):
        import torch

        have: int | None = torch.cuda.mem_get_info(torch.device(device))[0]
        where = f"{device}"
    else:
        have = available_memory()
    if have is not None and need > have:
        raise click.BadParameter(
            f"rendering {width}x{height} px needs at least {_gib(need)} of memory, but "
            f"{where} has {_gib(have)} available; ask for fewer pixels",
            param_hint=f"'{option}'")


def draw_seed(seed: int | None) -> int:
    """``seed``, or a fresh one from the OS when None (recorded so a run can be repeated)."""
    return secrets.randbelow(2**31) if seed is None else seed


@contextmanager
def net_errors(weights: str | os.PathLike | None = None, *, layer_hint: str = "'--layer'"
               ) -> Iterator[None]:
    """Turn network errors into one CLI line naming the option to change (``layer_hint``:
    how the command spells its layer, e.g. ``'LAYER'`` where it is an argument)."""
    from vecdream.nets import UnknownLayerError, WeightsUnavailableError

    try:
        yield
    except UnknownLayerError as exc:
        raise click.BadParameter(str(exc), param_hint=layer_hint) from None
    except WeightsUnavailableError as exc:
        if exc.url is None:  # a --weights file that is missing or unreadable
            raise click.BadParameter(str(exc).splitlines()[0], param_hint="'--weights'") from None
        name = exc.path.name if exc.path is not None else os.path.basename(exc.url)
        raise click.ClickException(
            f"--net {exc.net} needs ImageNet weights: {name} is not cached and could not be "
            f"downloaded; download {exc.url} and pass --weights PATH/{name} (or copy it to "
            f"{exc.path}); --net efficientnet_lite0 works offline") from None
    except ValueError as exc:
        message = str(exc).splitlines()[0]
        if "out of range" in message:
            raise click.BadParameter(message, param_hint="'--channel'") from None
        if "expected a net name" in message:
            raise click.BadParameter(message, param_hint="'--net'") from None
        raise click.ClickException(message) from None


def ray_option(what: str):
    """``--ray`` (a local Ray cluster) or ``--ray=ADDRESS``; ``what`` says what the tasks
    are, e.g. ``"Chunks"``. The value is ``"local"``, an address or None (no Ray)."""
    return click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None,
                        help=f"{what} as Ray tasks: --ray (local cluster) or --ray=ADDRESS.")
