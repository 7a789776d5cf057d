"""No import cycles among vecdream's modules: each stage imports only lower stages.

The graph is read from the source (ast), so an import inside a function counts as much
as one at the top: a late-bound import hides a cycle from Python, not from this test.
Only imports under ``if TYPE_CHECKING:`` are skipped (they never run). An edge goes to
the most specific vecdream module named (``from vecdream.svg import read`` is an edge to
``vecdream.svg.read`` when that is a module, else to ``vecdream.svg``); the parent
packages Python initialises on the way are not edges (every module would then depend on
``vecdream/__init__``, which gathers the public API).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vecdream"


def _module_files() -> dict[str, Path]:
    files = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except in ``if TYPE_CHECKING:`` bodies."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node):
            children = node.orelse
        stack.extend(children)
    return found


def _resolve(name: str, modules: set[str]) -> str | None:
    """The most specific vecdream module ``name`` or one of its parents names."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _edges(module: str, path: Path, modules: set[str]) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str | None] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(_resolve(alias.name, modules) for alias in node.names)
            continue
        base = node.module or ""
        if node.level:  # relative: from . import x / from ..a import b
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            targets.add(_resolve(f"{base}.{alias.name}", modules) or _resolve(base, modules))
    return {t for t in targets if t is not None and t != module}


def import_graph() -> dict[str, set[str]]:
    """``module -> the vecdream modules it imports`` for every module of the package."""
    files = _module_files()
    return {m: _edges(m, p, set(files)) for m, p in files.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # the package has ~60 modules: recursion depth is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def _example_path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One concrete loop through a component, for the failure message."""
    members, start = set(component), component[0]
    path, seen = [start], {start}
    while True:
        nxt = sorted(graph[path[-1]] & members)
        back = start if start in nxt else None
        step = back or next((n for n in nxt if n not in seen), None)
        if step is None or step == start:
            return " -> ".join([*path, start])
        path.append(step)
        seen.add(step)


def test_no_import_cycles():
    graph = import_graph()
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(
        _example_path(graph, c) for c in cycles)


def test_the_graph_sees_lazy_and_relative_imports(tmp_path):
    """The checker itself: a function-level import closes a cycle, TYPE_CHECKING does not."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                              "    import pkg.a\nelse:\n    import pkg.b\n")
    modules = {"pkg", "pkg.a", "pkg.b", "pkg.c"}
    graph = {m: _edges(m, pkg / (m.split(".")[-1] + ".py") if m != "pkg" else
                       pkg / "__init__.py", modules) for m in modules}
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg.a"}
    assert graph["pkg.c"] == {"pkg.b"}
    assert find_cycles(graph) == [["pkg.a", "pkg.b"]]


# The stage order of docs/ARCHITECTURE.md, lowest first: a module may import its own
# stage and the stages before it, never one after it. The command line sits on top,
# including the stage packages' own ``cli*`` modules, which the group registers.
STAGES = [
    ("vecdream.atomic", "vecdream.provenance", "vecdream.drawing_fields"),
    ("vecdream.drawing",),
    ("vecdream.checkpoint",),
    ("vecdream.render",),
    ("vecdream.svg",),
    ("vecdream.export",),
    ("vecdream.plot", "vecdream.nets", "vecdream.jobs"),
    ("vecdream.objectives",),
    ("vecdream.dream",),
    ("vecdream.seeds",),
    ("vecdream.painter",),
    ("vecdream.studio",),
]
TOP = len(STAGES)  # vecdream.cli, stage cli* modules, vecdream/__init__ and __main__, _moved


def _is_cli(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last == "cli" or last.startswith("cli_") or module.startswith("vecdream.cli.")


def stage_of(module: str) -> int:
    """The index of ``module``'s stage in :data:`STAGES` (the top for the CLI layer)."""
    if _is_cli(module):
        return TOP
    for rank, packages in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in packages):
            return rank
    return TOP


def test_every_module_has_a_stage():
    loose = [m for m in import_graph() if stage_of(m) == TOP and not (
        _is_cli(m) or m.startswith("vecdream._moved") or m in ("vecdream", "vecdream.__main__"))]
    assert not loose, f"modules outside the documented stages: {loose}"


def test_no_import_climbs_the_stage_order():
    graph = import_graph()
    climbs = sorted(f"{m} -> {t}" for m, targets in graph.items() for t in targets
                    if stage_of(t) > stage_of(m))
    assert not climbs, "imports of a later stage:\n" + "\n".join(climbs)


def test_the_stage_order_check_fails_on_a_climb():
    assert stage_of("vecdream.render.raster") < stage_of("vecdream.dream.optimize")
    assert stage_of("vecdream.seeds.cli_gan") == TOP > stage_of("vecdream.seeds.gan")
    graph = {"vecdream.render.raster": {"vecdream.dream.optimize"}}
    assert [(m, t) for m, ts in graph.items() for t in ts if stage_of(t) > stage_of(m)]


@pytest.mark.parametrize(("lower", "higher"), [
    ("vecdream.drawing", "vecdream.svg"),
    ("vecdream.drawing", "vecdream.export"),
    ("vecdream.dream.optimize", "vecdream.dream.large"),
    ("vecdream.render", "vecdream.dream"),
    ("vecdream.dream.optimize", "vecdream.cli"),
    ("vecdream.seeds.gan", "vecdream.painter"),
])
def test_lower_stages_do_not_import_higher_ones(lower, higher):
    graph = import_graph()
    reach, todo = set(), [lower]
    while todo:
        for nxt in graph[todo.pop()] - reach:
            reach.add(nxt)
            todo.append(nxt)
    assert not any(m == higher or m.startswith(higher + ".") for m in reach), sorted(reach)
