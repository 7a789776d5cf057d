"""Plot on an AxiDraw through its EiBotBoard, with ``plotink`` and ``pyserial`` from PyPI.

``pyaxidraw``'s core is not on PyPI; the board's serial protocol is documented, and
``plotink`` (MIT) finds and opens the board. :func:`plot_on_board` sends the plot as
the planner of :mod:`vecdream.plot.ebb_motion` makes it: servo heights (``SC``), pen
up/down with their delays (``SP``), timed stepper slices (``XM``).

Pause and resume: a ``stop`` callable (the CLI's Ctrl-C) is asked between paths; the pen
then lifts, the carriage goes home and a small JSON state file records the plot's
digest and the next path. Called again with the same plot and state file, the plot
goes on from there, so nothing is drawn twice. Each layer (pen) ends at home with the
state saved: put in the next pen and call again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vecdream.atomic import atomic_write_bytes
from vecdream.plot.axidraw import AxiDrawError, AxiDrawUnavailable
from vecdream.plot.ebb_motion import PenServo, Stepper, path_moves, travel_moves
from vecdream.plot.model import PenPlot
from vecdream.plot.stats import MotionModel

__all__ = ["BoardRun", "open_board", "plot_digest", "plot_on_board"]


def open_board(port: str | None = None) -> Any:
    """An open serial port to an EiBotBoard: ``port`` (a device path or an EBB name
    tag) or the first board found on USB.

    Raises:
        AxiDrawUnavailable: ``plotink`` is not installed.
        AxiDrawError: no board answers there.
    """
    try:
        from plotink import ebb_serial
    except ImportError:
        raise AxiDrawUnavailable("plotting on an AxiDraw needs plotink: pip install plotink"
                                 ) from None
    name = port if port is not None and os.path.exists(port) else (
        ebb_serial.find_named_ebb(port) if port else ebb_serial.findPort())
    board = ebb_serial.testPort(name) if name else None
    if board is None:
        where = f"at {port!r}" if port else "on any USB port"
        raise AxiDrawError(f"port: no EiBotBoard answers {where} (is the AxiDraw on and "
                           "plugged in? --port names it)")
    return board


def _send(board: Any, command: str) -> None:
    """One command; the board answers ``OK`` (anything else is an error)."""
    board.write(f"{command}\r".encode("ascii"))
    reply = board.readline().decode("ascii", "replace").strip()
    if not reply.startswith("OK"):
        raise AxiDrawError(f"EiBotBoard answered {reply or 'nothing'!r} to {command!r}")


def plot_digest(plot: PenPlot) -> str:
    """A digest of the plot's layers and lines (what a state file must match)."""
    h = hashlib.sha256()
    for layer in plot.layers:
        h.update(f"{layer.number}:{len(layer.lines)};".encode())
        for line in layer.lines:
            h.update(np.ascontiguousarray(np.round(line, 6)).tobytes())
    return h.hexdigest()


@dataclass
class BoardRun:
    """What one call did: paths drawn, whether it finished, where it stopped."""

    drawn: int
    finished: bool
    layer: int | None
    next_path: int
    seconds: float  # the commanded move and pen time


def _read_state(path: Path | None, digest: str) -> tuple[int, int]:
    if path is None or not path.exists():
        return 0, 0
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("plot") != digest:
        raise AxiDrawError(f"state: {path} belongs to another plot; delete it to start over")
    return int(state["layer_index"]), int(state["path_index"])


def _write_state(path: Path | None, digest: str, layer_index: int, path_index: int) -> None:
    if path is not None:
        atomic_write_bytes(path, json.dumps({"plot": digest, "layer_index": layer_index,
                                             "path_index": path_index}).encode("utf-8"))


def plot_on_board(plot: PenPlot, board: Any, *, model: MotionModel | None = None,
                  servo: PenServo | None = None, state_path: str | os.PathLike | None = None,
                  stop: Callable[[], bool] | None = None,
                  progress: Callable[[str], None] | None = None) -> BoardRun:
    """Draw the next layer of ``plot`` (or the rest of it) on an open board.

    Args:
        plot: the plot, in page mm from home.
        board: an open port (:func:`open_board`), anything with ``write``/``readline``.
        model: speeds, accelerations, cornering and pen delays (the estimate's).
        servo: pen heights.
        state_path: JSON file of where the plot stands; read to resume, written after
            every path, removed when the plot is finished.
        stop: asked between paths; True pauses (pen up, home, state saved).
        progress: called with one line per layer and on pause.

    Returns:
        A :class:`BoardRun`; ``finished`` once the last layer is done.
    """
    model, servo = model or MotionModel(), servo or PenServo()
    state = Path(state_path) if state_path is not None else None
    digest = plot_digest(plot)
    layer_index, path_index = _read_state(state, digest)
    if layer_index >= len(plot.layers):
        return BoardRun(0, True, None, 0, 0.0)
    layer = plot.layers[layer_index]
    say = progress or (lambda _line: None)
    seconds = 0.0

    def send_moves(moves) -> None:
        nonlocal seconds
        for move in moves:
            _send(board, f"XM,{move.ms},{move.x_steps},{move.y_steps}")
            seconds += move.ms / 1000

    def pen(up: bool) -> None:
        nonlocal seconds
        ms = round(1000 * (model.lift_s if up else model.drop_s))
        _send(board, f"SP,{1 if up else 0},{ms}")
        seconds += ms / 1000

    home = np.asarray(model.home, dtype=np.float64)
    _send(board, "EM,1,1")  # both motors on, 16x microstepping: 80 steps per mm
    _send(board, f"SC,4,{servo.position(servo.up_percent)}")
    _send(board, f"SC,5,{servo.position(servo.down_percent)}")
    pen(up=True)
    stepper, position = Stepper(home), home
    say(f"layer {layer.label}: paths {path_index + 1} to {len(layer.lines)}")
    drawn = 0
    for k in range(path_index, len(layer.lines)):
        if stop is not None and stop():
            send_moves(travel_moves(position, home, stepper, model))
            _write_state(state, digest, layer_index, k)
            say(f"paused before path {k + 1} of layer {layer.label}; run again to resume")
            return BoardRun(drawn, False, layer.number, k, seconds)
        line = np.asarray(layer.lines[k], dtype=np.float64)
        send_moves(travel_moves(position, line[0], stepper, model))
        pen(up=False)
        send_moves(path_moves(line, stepper, model))
        pen(up=True)
        position = line[-1]
        drawn += 1
        _write_state(state, digest, layer_index, k + 1)
    send_moves(travel_moves(position, home, stepper, model))
    finished = layer_index + 1 == len(plot.layers)
    if finished:
        if state is not None and state.exists():
            state.unlink()
    else:
        _write_state(state, digest, layer_index + 1, 0)
        say(f"layer {layer.label} done: put in pen '{plot.layers[layer_index + 1].pen.name}' "
            "and run again for the next layer")
    return BoardRun(drawn, finished, layer.number, 0, seconds)

