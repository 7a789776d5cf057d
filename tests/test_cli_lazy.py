"""Issue 18: the CLI starts without torch, and ``--help`` says every fixed set of values.

Commands are imported when they run (:class:`vecdream.cli.lazy.LazyGroup`): listing
them, a command's ``--help`` and a bad argument caught while parsing load no torch.
The group tables keep each command's short help; they must agree with the commands.
"""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from vecdream.cli import main
from vecdream.cli.lazy import LazyGroup

_NO_TORCH = """
import sys
from PIL import Image
from vecdream.cli import main

assert "torch" not in sys.modules, "import vecdream.cli loaded torch"
Image.new("RGB", (8, 8)).save(sys.argv[1], format="JPEG")
runs = [["--help"], ["--version"], ["info"], ["info", "--help"], ["plot", "--help"],
        ["render", "--help"], ["render", sys.argv[1]], ["plot", sys.argv[1]],
        ["seeds", "--help"], ["seeds", "make", "--help"], ["painter", "--help"],
        ["dreem"]]
for args in runs:
    try:
        main(args, prog_name="vecdream")
    except SystemExit:
        pass
    heavy = sorted(m for m in ("torch", "kornia", "scipy", "torchvision", "numpy")
                   if m in sys.modules)
    assert not heavy, f"vecdream {' '.join(args)} loaded {heavy}"
print("ok")
"""


def test_startup_loads_no_torch(tmp_path):
    proc = subprocess.run([sys.executable, "-c", _NO_TORCH, str(tmp_path / "photo.svg")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-2000:]


def test_import_vecdream_cli_has_no_torch():
    code = "import sys, vecdream.cli; print('torch' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "False", proc.stderr[-2000:]


def _commands(group: click.Group = main, path: tuple[str, ...] = ()):
    """Every command of the tree (groups too) as ``(path, command)``, loading them all."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"{' '.join(path + (name,))} is listed but does not load"
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, path + (name,))


ALL = list(_commands())
LAZY = [(path + (name,), entry) for path, group in [((), main), *ALL]
        if isinstance(group, LazyGroup) for name, entry in group.lazy.items()]


def test_every_group_is_lazy():
    groups = [(path, c) for path, c in [((), main), *ALL] if isinstance(c, click.Group)]
    assert {" ".join(p) for p, _ in groups} == {"", "seeds", "painter"}
    assert all(isinstance(c, LazyGroup) for _, c in groups)


@pytest.mark.parametrize(("path", "entry"), LAZY, ids=[" ".join(p) for p, _ in LAZY])
def test_table_short_help_is_the_commands(path, entry):
    """``vecdream --help`` lists the table's text: it must be what the command says."""
    command = dict(ALL)[path]
    assert command.name == path[-1]
    listed = click.Command(path[-1], help=entry[1]).get_short_help_str(10**6)
    assert listed == command.get_short_help_str(10**6)
    assert listed == entry[1], "keep the whole first sentence (--help shortens it)"


def test_group_help_lists_every_command():
    out = CliRunner().invoke(main, ["--help"]).output
    listed = out.split("Commands:")[1].split()
    assert {" ".join(p) for p, _ in ALL if len(p) == 1} <= set(listed)


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) for p, _ in ALL])
def test_help_shows_every_fixed_set_of_values(path, command):
    """Options with click.Choice show ``[a|b]``; an argument's choices go in the help text."""
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for param in command.params:
        if isinstance(param.type, click.Choice):
            missing = [c for c in param.type.choices if str(c) not in text]
            assert not missing, f"{' '.join(path)} --help does not show {param.name}: {missing}"


def test_seeds_make_help_lists_the_families():
    from vecdream.seeds.cli import FAMILIES
    from vecdream.seeds.families import FAMILIES as LIBRARY_FAMILIES

    assert list(FAMILIES) == list(LIBRARY_FAMILIES)
    out = " ".join(CliRunner().invoke(main, ["seeds", "make", "--help"]).output.split())
    assert all(name in out for name in LIBRARY_FAMILIES), out


@pytest.mark.parametrize("path", [("layers",), ("channels",)])
def test_net_arguments_list_the_nets(path):
    from vecdream.nets import NET_NAMES

    out = " ".join(CliRunner().invoke(main, [*path, "--help"]).output.split())
    assert all(name in out for name in NET_NAMES), out


@pytest.mark.parametrize("path", [("trace",), ("dream",), ("paint",)])
def test_brush_options_list_the_presets(path):
    from vecdream.cli.common import BRUSHES
    from vecdream.painter.mypaint import BRUSHES as LIBRARY_BRUSHES

    assert BRUSHES == LIBRARY_BRUSHES
    out = " ".join(CliRunner().invoke(main, [*path, "--help"], terminal_width=200)
                   .output.split())
    assert all(name in out for name in BRUSHES), out


def test_unknown_command_suggests_a_lazy_one():
    result = CliRunner().invoke(main, ["seeds", "sampel"])
    assert result.exit_code == 2 and "No such command 'sampel'" in result.output
    if getattr(click.exceptions, "NoSuchCommand", None) is not None:  # click >= 8.4
        assert "sample" in result.output.split("sampel")[-1]


def test_painter_brushes_match_the_shipped_painters():
    from vecdream.cli.common import PAINTER_BRUSHES
    from vecdream.painter.model import PAINTERS

    assert PAINTER_BRUSHES == tuple(PAINTERS)
    assert all(path.is_file() for path in PAINTERS.values())
