"""Plotting on an AxiDraw through plotink, against an emulated EiBotBoard on a
pseudo-terminal that answers as the documented protocol does (issue 26)."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
import torch

import vecdream.plot as vp
from vecdream import Drawing
from vecdream.plot.ebb import open_board, plot_on_board
from vecdream.plot.ebb_motion import STEPS_PER_MM
from vecdream.plot.stats import MotionModel

pytest.importorskip("plotink", reason="needs plotink: pip install plotink")
pytest.importorskip("serial", reason="needs pyserial: pip install pyserial")


class EmulatedBoard:
    """An EiBotBoard on a pty: ``v`` answers the firmware version, every other command
    ``OK``; ``XM`` moves integrate into a step position and pen-down polylines."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        self._slave = slave
        self.commands: list[str] = []
        self.steps = np.zeros(2, dtype=np.int64)
        self.pen_up = True
        self.paths: list[list[np.ndarray]] = []
        self.travel_steps = 0.0
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\r" in buffer:
                line, buffer = buffer.split(b"\r", 1)
                os.write(self.master, self._answer(line.decode("ascii").strip()))

    def _answer(self, command: str) -> bytes:
        if command.lower() == "v":
            return b"EBB Firmware Version 2.8.1\r\n"
        self.commands.append(command)
        op, *args = command.split(",")
        if op == "SP":
            self.pen_up = args[0] == "1"
            self.seconds += int(args[1]) / 1000
            if not self.pen_up:
                self.paths.append([self.steps.copy()])
        elif op == "XM":
            ms, dx, dy = (int(a) for a in args)
            self.seconds += ms / 1000
            self.steps = self.steps + (dx, dy)
            if self.pen_up:
                self.travel_steps += float(np.hypot(dx, dy))
            else:
                self.paths[-1].append(self.steps.copy())
        return b"OK\r\n"

    def close(self) -> None:
        os.close(self._slave)
        os.close(self.master)


@pytest.fixture
def board():
    emulated = EmulatedBoard()
    yield emulated
    emulated.close()


def small_plot() -> vp.PenPlot:
    d = Drawing.random(12, size=(100, 100), seed=4, width=0.2)
    d.fill[:3] = torch.tensor([0.0, 0.0, 0.0, 1.0])
    d.closed[:3] = True
    return vp.drawing_to_plot(d, "A6")


def _distance_to_polyline(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Distance of every point ``(n, 2)`` to the polyline ``(m, 2)``."""
    a, b = line[:-1][None], line[1:][None]
    d = b - a
    t = np.clip(((points[:, None] - a) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-12), 0, 1)
    return np.linalg.norm(points[:, None] - (a + t[..., None] * d), axis=-1).min(axis=1)


def test_the_stream_retraces_the_plot_and_takes_the_estimated_time(board):
    plot = small_plot()
    port = open_board(board.path)
    try:
        run = plot_on_board(plot, port)
    finally:
        port.close()
    assert run.finished and run.drawn == plot.n_paths
    lines = plot.layers[0].lines
    assert len(board.paths) == len(lines)
    step = 1 / STEPS_PER_MM
    for drawn, line in zip(board.paths, lines, strict=True):
        mm = np.array(drawn, dtype=np.float64) / STEPS_PER_MM
        assert _distance_to_polyline(mm, line).max() <= step  # within one motor step
        assert np.linalg.norm(mm[-1] - line[-1]) <= step
    stats = vp.plot_stats(plot)
    assert board.travel_steps / STEPS_PER_MM == pytest.approx(stats.travel_mm, rel=0.01)
    assert board.seconds == pytest.approx(stats.est_seconds, rel=0.02)
    assert np.array_equal(board.steps, [0, 0])  # back home
    assert board.commands[:3] == ["EM,1,1", "SC,4,20641", "SC,5,15248"]


def test_pause_then_resume_draws_everything_once(board, tmp_path):
    plot = small_plot()
    state = tmp_path / "plot.axidraw.json"
    asked = iter([False] * 4 + [True])
    port = open_board(board.path)
    try:
        first = plot_on_board(plot, port, state_path=state, stop=lambda: next(asked, True))
        assert not first.finished and first.drawn == 4 and state.exists()
        assert np.array_equal(board.steps, [0, 0])  # parked at home while paused
        second = plot_on_board(plot, port, state_path=state)
    finally:
        port.close()
    assert second.finished and first.drawn + second.drawn == plot.n_paths
    assert not state.exists()
    starts = [tuple(path[0]) for path in board.paths]
    assert len(starts) == len(set(starts)) == plot.n_paths  # no path drawn twice


def test_a_state_file_of_another_plot_is_refused(board, tmp_path):
    state = tmp_path / "s.json"
    state.write_text('{"plot": "other", "layer_index": 0, "path_index": 3}')
    port = open_board(board.path)
    try:
        with pytest.raises(vp.AxiDrawError, match="belongs to another plot"):
            plot_on_board(small_plot(), port, state_path=state)
    finally:
        port.close()


def test_no_board_is_a_one_line_error(tmp_path):
    with pytest.raises(vp.AxiDrawError, match="no EiBotBoard answers"):
        open_board(str(tmp_path / "ttyNONE"))
    assert MotionModel().lift_s > 0


def test_cli_plots_on_the_board(board, tmp_path):
    from click.testing import CliRunner

    from vecdream.cli import main

    d = Drawing.random(8, size=(100, 100), seed=2, width=0.2)
    d.save_svg(tmp_path / "d.svg")
    result = CliRunner().invoke(main, ["plot", str(tmp_path / "d.svg"), "--page", "A6",
                                       "--axidraw", "--port", board.path, "--pen-up", "70"])
    assert result.exit_code == 0, result.output
    assert "the plot is finished" in result.output and len(board.paths) > 0
    assert "SC,4,22438" in board.commands and not (tmp_path / "d.plot.axidraw.json").exists()


def test_cli_names_a_port_that_does_not_answer(tmp_path):
    from click.testing import CliRunner

    from vecdream.cli import main

    Drawing.random(3, size=(100, 100), seed=2, width=0.2).save_svg(tmp_path / "d.svg")
    result = CliRunner().invoke(main, ["plot", str(tmp_path / "d.svg"), "--axidraw",
                                       "--port", str(tmp_path / "ttyNONE")])
    assert result.exit_code == 2 and "'--port'" in result.output
    assert "Traceback" not in result.output
