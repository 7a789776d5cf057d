"""The painting agent: a target image → a sequence of brush actions, in one forward pass.

As in Nakano's "Neural Painters" (after SPIRAL), an LSTM emits one action per step; here
it is conditioned on a convolutional encoding of the whole target (given at every step
with a learned per-step query, and the previous action fed back so the sequence knows
what it already painted). The strokes are then painted by the frozen neural painter and
composited in order over a white page by their predicted alpha (:func:`composite`),
which is what training scores.

Convention: a cell is 64×64 pixels, actions are fractions of it (see
:mod:`~vecdream.painter.actions`); images are RGB in [0, 1].
"""

from __future__ import annotations

import io
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .actions import ACTION_DIM, CELL
from .frozen import load_frozen

__all__ = ["AGENTS", "COLOURS", "PaintingAgent", "composite", "paint", "paint_layers",
           "agent_checkpoint", "load_agent", "SHIPPED_AGENT", "midpoint_colours",
           "widen_for_canvas"]

SHIPPED_AGENT = Path(__file__).with_name("weights") / "glyph_agent.pt"
AGENTS = {"glyphs": (SHIPPED_AGENT, "classic/pen"),
          "photo": (SHIPPED_AGENT.with_name("photo_agent.pt"), "deevad/brush")}
"""The agents that ship, by name: (weights, the MyPaint preset of the painter each was
trained through, which paints and replays its strokes)."""
COLOURS = ("learned", "target")  # where a stroke's colour comes from (PaintingAgent)
FORMAT = "vecdream-painting-agent"


def composite(strokes: Tensor, background: float | Tensor = 1.0) -> Tensor:
    """Paint straight-RGBA strokes in order, each "over" the canvas below it.

    Args:
        strokes: ``(B, T, 4, H, W)`` straight RGBA in [0, 1], stroke 0 painted first.
        background: the page, a number or ``(B, 3, H, W)``; white by default.

    Returns:
        ``(B, 3, H, W)`` the painted RGB canvas.
    """
    b, _, _, h, w = strokes.shape
    canvas = torch.as_tensor(background, dtype=strokes.dtype, device=strokes.device)
    canvas = canvas.expand(b, 3, h, w)
    for t in range(strokes.shape[1]):
        rgb, alpha = strokes[:, t, :3], strokes[:, t, 3:]
        canvas = canvas * (1 - alpha) + rgb * alpha
    return canvas


def paint(actions: Tensor, painter: nn.Module, background: float | Tensor = 1.0) -> Tensor:
    """Render ``actions (B, T, 12)`` with ``painter`` and composite: ``(B, 3, 64, 64)``."""
    b, t, _ = actions.shape
    strokes = painter(actions.reshape(b * t, ACTION_DIM)).reshape(b, t, 4, CELL, CELL)
    return composite(strokes, background)


def midpoint_colours(actions: Tensor, images: Tensor) -> Tensor:
    """``actions (B, T, 12)`` recoloured from ``images (B, 3, 64, 64)``: each stroke takes
    the image's colour (box-blurred over 5 px) at its curve's midpoint. Differentiable
    w.r.t. the stroke's control points, so training moves strokes onto fitting colours."""
    p0, p1, p2 = (actions[..., k:k + 2] for k in (6, 8, 10))
    mid = 0.25 * p0 + 0.5 * p1 + 0.25 * p2                                # (B, T, 2)
    blurred = F.avg_pool2d(images, 5, 1, 2, count_include_pad=False)
    rgb = F.grid_sample(blurred, mid[:, :, None] * 2 - 1, align_corners=False)  # (B,3,T,1)
    return torch.cat([actions[..., :3], rgb[..., 0].transpose(1, 2), actions[..., 6:]], -1)


class PaintingAgent(nn.Module):
    """Image → actions: ``forward(images (B, 3, 64, 64)) -> (B, T, 12)`` in [0, 1].

    Args:
        strokes: ``T``, actions per 64 px cell.
        hidden: LSTM width (and of the image code).
        width: channels of the first conv layer (doubling twice).
        colour: ``"learned"`` (the network picks each stroke's colour) or ``"target"``:
            the agent predicts geometry only and each stroke takes the target's colour at
            its curve's midpoint (blurred over 5 px), as Paint Transformer does. On photos
            that is what a painter does; the network's effort goes into where strokes go.
        layers: passes painted one over the other (:func:`paint_layers`); with more than
            one, the encoder also sees the canvas painted so far, so a later pass paints
            what the earlier ones missed (Paint Transformer's coarse-to-fine loop).

    The encoder sees two extra coordinate channels (CoordConv): stroke positions are
    absolute, and plain convolutions are translation-invariant. About 1.6 M parameters
    at the defaults.
    """

    def __init__(self, strokes: int = 10, hidden: int = 256, width: int = 32,
                 colour: str = "learned", layers: int = 1) -> None:
        super().__init__()
        if strokes < 1:
            raise ValueError(f"strokes: expected >= 1, got {strokes}")
        if colour not in COLOURS:
            raise ValueError(f"colour: expected one of {', '.join(COLOURS)}, got {colour!r}")
        self.config = {"strokes": int(strokes), "hidden": int(hidden), "width": int(width)}
        if layers < 1:
            raise ValueError(f"layers: expected >= 1, got {layers}")
        if colour != "learned":
            self.config["colour"] = colour
        if layers > 1:
            self.config["layers"] = int(layers)
        self.strokes = int(strokes)
        self.colour = colour
        self.layers = int(layers)
        w = int(width)

        def block(cin: int, cout: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(cin, cout, 4, 2, 1), nn.GroupNorm(8, cout),
                                 nn.SiLU())

        inputs = 5 + (3 if layers > 1 else 0)  # target, [canvas,] x and y
        self.encoder = nn.Sequential(block(inputs, w), block(w, 2 * w), block(2 * w, 4 * w),
                                     block(4 * w, 4 * w), nn.Flatten(),
                                     nn.Linear(4 * w * 16, hidden), nn.SiLU())
        self.init_h = nn.Linear(hidden, hidden)
        self.init_c = nn.Linear(hidden, hidden)
        # One learned query per step, added to the image code: the steps differ from the
        # start, so the strokes spread instead of all chasing the mean blob together.
        self.queries = nn.Parameter(torch.randn(strokes, hidden) * 0.5)
        self.cell = nn.LSTMCell(hidden + ACTION_DIM, hidden)
        self.head = nn.Linear(hidden, ACTION_DIM)
        c = (torch.arange(CELL, dtype=torch.float32) + 0.5) / CELL * 2 - 1
        yy, xx = torch.meshgrid(c, c, indexing="ij")
        self.register_buffer("coords", torch.stack([xx, yy])[None], persistent=False)

    def forward(self, images: Tensor, canvas: Tensor | None = None) -> Tensor:
        """Actions for one pass over each target.

        Args:
            images: ``(B, 3, 64, 64)`` RGB targets in [0, 1].
            canvas: ``(B, 3, 64, 64)`` what is painted already (an agent of several
                layers only); None is a white page.

        Returns:
            ``(B, T, 12)`` actions in [0, 1], painted in order ``0 .. T-1``.
        """
        if images.dim() != 4 or tuple(images.shape[1:]) != (3, CELL, CELL):
            raise ValueError(f"PaintingAgent: expected images (B, 3, {CELL}, {CELL}), "
                             f"got {tuple(images.shape)}")
        b = images.shape[0]
        inputs = [images * 2 - 1, self.coords.expand(b, -1, -1, -1)]
        if self.layers > 1:
            inputs.insert(1, (torch.ones_like(images) if canvas is None else canvas) * 2 - 1)
        x = torch.cat(inputs, 1)
        code = self.encoder(x)
        h, c = torch.tanh(self.init_h(code)), self.init_c(code)
        prev = images.new_full((b, ACTION_DIM), 0.5)
        out = []
        for step in range(self.strokes):
            h, c = self.cell(torch.cat([code + self.queries[step], prev], 1), (h, c))
            prev = torch.sigmoid(self.head(h))
            out.append(prev)
        actions = torch.stack(out, 1)
        return midpoint_colours(actions, images) if self.colour == "target" else actions


def paint_layers(agent: PaintingAgent, painter: nn.Module, images: Tensor,
                 layers: int | None = None) -> tuple[Tensor, list[Tensor]]:
    """Paint ``images (B, 3, 64, 64)`` in ``layers`` passes (default the agent's), each
    over the canvas the passes before it left, seen by the agent.

    Returns:
        All strokes ``(B, layers * T, 12)`` in painting order, and the canvas after each
        pass, ``layers`` tensors ``(B, 3, 64, 64)``.
    """
    canvas, actions, canvases = None, [], []
    for _ in range(layers or agent.layers):
        step = agent(images, canvas)  # a one-layer agent does not look at the canvas
        canvas = paint(step, painter, 1.0 if canvas is None else canvas)
        actions.append(step)
        canvases.append(canvas)
    return torch.cat(actions, 1), canvases


def widen_for_canvas(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """A one-layer agent's weights for an agent of several layers: the first
    convolution gains zero weights for the canvas channels, so the wider agent starts out
    painting exactly what the one-layer agent paints."""
    weight = state["encoder.0.0.weight"]                       # (w, 5, 4, 4)
    zeros = weight.new_zeros(weight.shape[0], 3, *weight.shape[2:])
    return {**state, "encoder.0.0.weight": torch.cat([weight[:, :3], zeros, weight[:, 3:]], 1)}


def agent_checkpoint(agent: PaintingAgent, *, half: bool = False, **extra) -> bytes:
    """The agent's weights file as bytes: ``{"format", "config", "state_dict", **extra}``
    (tensors, numbers and strings only, readable with ``weights_only=True``); ``half``
    stores float16 (half the size; :func:`load_agent` computes in float32 anyway)."""
    state = {k: v.detach().cpu().clone() for k, v in agent.state_dict().items()}
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    buffer = io.BytesIO()
    torch.save({"format": FORMAT, "config": dict(agent.config), "state_dict": state, **extra},
               buffer)
    return buffer.getvalue()


def load_agent(path: str | Path | None = None, device: str | torch.device = "cpu"
               ) -> PaintingAgent:
    """A frozen agent in eval mode from a file written by :func:`agent_checkpoint` (or a
    training checkpoint of :mod:`~vecdream.painter.agent_train`), or a name of
    :data:`AGENTS`; None is the shipped glyph agent.

    Raises:
        ValueError: (one line) the file is missing or is not an agent checkpoint.
    """
    if path is None or str(path) in AGENTS:
        path = AGENTS[str(path or "glyphs")][0]
    path = Path(path)
    return load_frozen(path, lambda config: PaintingAgent(**config), kind="painting agent",
                       missing=f"agent weights not found: {path} (train one with "
                               "`vecdream painter train-agent`, or name a shipped agent: "
                               f"{', '.join(AGENTS)})", fmt=FORMAT, device=device)
