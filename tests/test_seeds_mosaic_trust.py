"""Issue 25, seeds that survive Mosaic: trustworthy stats, previews kept apart from seeds,
per-file issue reports, safe print-sized exports."""

from __future__ import annotations

import json
import math
import re

import pypdfium2
import pytest
import torch
from click.testing import CliRunner

from vecdream import Drawing
from vecdream.cli import main
from vecdream.seeds.catalogue import Catalogue
from vecdream.seeds.catalogue_export import iso_time, sized_svg
from vecdream.seeds.families import make_drawing
from vecdream.seeds.folder import rasterize_svg
from vecdream.seeds.stats import MIN_CONTOURS, MIN_PATHS, format_stats, seed_stats
from vecdream.seeds.variations import flip

torch.set_num_threads(1)


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _rings(n: int, segments: int, size: float = 64.0, radius: float = 3.0,
           colours: int = 1) -> list[tuple[torch.Tensor, int]]:
    """``n`` closed circle-like contours of ``segments`` cubic segments on a grid."""
    side = math.ceil(math.sqrt(n))
    t = torch.linspace(0, 2 * math.pi, 3 * segments + 1)
    out = []
    for i in range(n):
        cx, cy = (i % side + 0.5) * size / side, (i // side + 0.5) * size / side
        out.append((torch.stack([cx + radius * t.cos(), cy + radius * t.sin()], -1),
                    i % colours))
    return out


def _compound(n: int, segments: int) -> Drawing:
    """One path made of ``n`` contours (a compound path), filled black."""
    points = torch.stack([p for p, _ in _rings(n, segments)])
    return Drawing(points, torch.zeros(1), torch.zeros(1, 4), (64.0, 64.0),
                   fill=torch.tensor([[0.0, 0.0, 0.0, 1.0]]), closed=torch.ones(n, dtype=bool),
                   contour_path=torch.zeros(n, dtype=torch.long))


def _shapes(n: int, radius: float, background: bool = False) -> Drawing:
    """``n`` one-contour paths in 3 colours, optionally over an opaque white canvas."""
    rings = _rings(n, 4, radius=radius, colours=3)
    palette = torch.tensor([[0.8, 0.1, 0.1, 1], [0.1, 0.6, 0.2, 1], [0.1, 0.2, 0.8, 1]])
    points, fills = [p for p, _ in rings], [palette[c] for _, c in rings]
    if background:
        corners = torch.tensor([[0, 0], [64, 0], [64, 64], [0, 64], [0, 0]], dtype=torch.float)
        line = torch.cat([corners[:1]] + [torch.stack([corners[k] + (corners[k + 1] - corners[k])
                                                       * f for f in (1 / 3, 2 / 3, 1)])
                                          for k in range(4)])  # 4 straight cubic segments
        square = torch.cat([line, line[-1:].expand(len(points[0]) - len(line), 2)])
        points, fills = [square, *points], [torch.ones(4), *fills]
    m = len(points)
    return Drawing(torch.stack(points), torch.zeros(m), torch.zeros(m, 4), (64.0, 64.0),
                   fill=torch.stack(fills), closed=torch.ones(m, dtype=bool),
                   n_segments=torch.tensor([4] + [4] * (m - 1)))


def _image(d: Drawing) -> torch.Tensor:
    return rasterize_svg(d.to_svg(), 64, d.size)


def test_a_compound_path_is_judged_by_its_contours():
    seed = _compound(34, 78)
    st = seed_stats(seed, _image(seed), name="compound")
    assert (st.paths, st.contours, st.nodes) == (1, 34, 34 * 79) and st.nodes == 2686
    assert not any("too simple" in n or "detail" in n for n in st.notes), st.notes
    table = format_stats([st])
    assert table.splitlines()[0].split()[:6] == ["seed", "kind", "paths", "contours", "nodes",
                                                 "colours"]
    assert f">= {MIN_CONTOURS} contours" in table and MIN_PATHS == MIN_CONTOURS

    few = _compound(8, 4)
    notes = seed_stats(few, _image(few)).notes
    assert "too simple: 8 contours < 20: add shapes or tile it 2x2" in notes
    assert any(n.startswith("too few colours: 1 < 3: recolour") for n in notes)


def test_every_note_says_what_to_change_and_names_transparency():
    sparse = _shapes(9, 2.0)  # a few small dots on an unpainted canvas
    st = seed_stats(sparse, _image(sparse))
    blank = [n for n in st.notes if n.startswith("mostly blank")]
    assert st.transparent > 0.8 and len(blank) == 1
    assert "transparent background (Mosaic prints it as paper)" in blank[0]
    assert all(": " in n.split(": ", 1)[1] for n in st.notes), st.notes  # problem: fix

    painted = _shapes(9, 2.0, background=True)  # the same dots over a white rectangle
    st = seed_stats(painted, _image(painted))
    blank = [n for n in st.notes if n.startswith("mostly blank")]
    assert st.transparent == 0.0 and len(blank) == 1 and "transparent" not in blank[0]
    assert blank[0].endswith("enlarge the shapes or give the background a colour")


def test_issue_ignores_previews_and_reports_every_file(tmp_path):
    seeds, aug = tmp_path / "seeds", tmp_path / "aug"
    assert _run("seeds", "make", "carlson", "-n", "1", "--size", "32", "--no-sheet",
                seeds).exit_code == 0
    r = _run("seeds", "augment", seeds, aug, "--per-seed", "1", "--size", "32")
    assert r.exit_code == 0, r.output
    (aug / "previews" / "copied.svg").write_bytes((seeds / "carlson_00000.svg").read_bytes())
    make_drawing("circles", seed=2).save_svg(aug / "sheet.svg", metadata={"sheet": "x"})
    (aug / "junk.svg").write_text("<svg")
    db = tmp_path / "brand.db"

    r = CliRunner().invoke(main, ["seeds", "issue", str(aug), "--catalogue", str(db),
                                  "--campaign", "spring", "--json"])
    assert r.exit_code == 0, r.output
    report = {o["file"]: o for o in json.loads(r.stdout)}
    assert set(report) == {"carlson_00000_v000.svg", "junk.svg", "sheet.svg",
                           "previews/carlson_00000_mosaic.svg", "previews/copied.svg"}
    assert report["carlson_00000_v000.svg"]["status"] == "admitted"
    assert report["junk.svg"]["status"] == "unreadable"
    for name in ("sheet.svg", "previews/carlson_00000_mosaic.svg", "previews/copied.svg"):
        assert report[name]["status"] == "ignored", report[name]

    original = make_drawing("carlson", seed=5)
    original.save_svg(tmp_path / "one" / "a.svg")
    flip(original).save_svg(tmp_path / "two" / "mirrored.svg")
    original.save_svg(tmp_path / "two" / "same.svg")
    assert _run("seeds", "issue", tmp_path / "one", "--catalogue", db,
                "--campaign", "spring").exit_code == 0
    r = CliRunner().invoke(main, ["seeds", "issue", str(tmp_path / "two"), "--catalogue",
                                  str(db), "--campaign", "autumn", "--json"])
    report = {o["file"]: o for o in json.loads(r.stdout)}
    mirrored, same = report["mirrored.svg"], report["same.svg"]
    assert mirrored["status"] == same["status"] == "refused"
    assert mirrored["nearest"]["name"] == "a" and mirrored["nearest"]["campaign"] == "spring"
    assert mirrored["nearest"]["transform"] == "mirrored left-right"
    assert mirrored["nearest"]["distance"] <= 15 and not mirrored["nearest"]["exact"]
    assert same["nearest"]["exact"] and same["nearest"]["transform"] == "identical"

    r = _run("seeds", "issue", tmp_path / "two", "--catalogue", db, "--campaign", "autumn")
    lines = r.stdout.strip().splitlines()  # the progress bar is on stderr
    assert lines[0].startswith("refused mirrored.svg: near-duplicate of #")
    assert "(campaign 'spring', " in lines[0] and lines[0].endswith("mirrored left-right)")
    assert lines[1].startswith("refused same.svg: ") and "exact copy" in lines[1]
    assert lines[2].startswith("admitted 0 of 2 seeds") and "2 refused" in lines[2]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    db = tmp_path_factory.mktemp("cat") / "brand.db"
    with Catalogue(db) as cat:
        for s in range(2):
            cat.issue(make_drawing("carlson", seed=s, size=64.0).to_svg(), name=f"s{s}",
                      campaign="spring")
        issued = [row.issued_at for row in cat.rows("spring")]
    return db, issued


def _page_pt(path) -> tuple[float, float]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return pdf[0].get_size()
    finally:
        pdf.close()


def test_export_is_print_sized_iso_timed_and_never_overwrites(tmp_path, catalogue):
    db, issued = catalogue
    out = tmp_path / "out"
    r = _run("seeds", "export", "--catalogue", db, "--campaign", "spring", out)
    assert r.exit_code == 0, r.output
    records = json.loads((out / "manifest.json").read_text())
    assert [rec["issued_at"] for rec in records] == [iso_time(t) for t in issued]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", records[0]["issued_at"])
    assert records[0]["issued_at"] in (out / "manifest.csv").read_text()
    svg, pdf = (out / f for f in records[0]["files"])
    assert 'width="100mm" height="100mm" viewBox="0 0 64 64"' in svg.read_text()
    assert _page_pt(pdf) == pytest.approx((100 / 25.4 * 72,) * 2, abs=0.01)  # not 64 * 0.75
    assert Drawing.from_svg(svg).size == (64.0, 64.0)

    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    r = _run("seeds", "export", "--catalogue", db, "--campaign", "spring", out,
             "--page-size", "4in")
    assert r.exit_code == 2 and "--force" in r.output and records[0]["files"][0] in r.output
    assert "Traceback" not in r.output
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    r = _run("seeds", "export", "--catalogue", db, "--campaign", "spring", out,
             "--page-size", "4in", "--force")
    assert r.exit_code == 0, r.output
    assert _page_pt(pdf) == pytest.approx((288.0, 288.0), abs=0.01)

    for bad in ("-3mm", "big"):
        r = _run("seeds", "export", "--catalogue", db, "--campaign", "spring",
                 tmp_path / "o2", "--page-size", bad)
        assert r.exit_code == 2 and "--page-size" in r.output


def test_sized_svg_fits_the_longer_side():
    wide = make_drawing("truchet", seed=0, size=64.0).scaled((1.0, 0.5))
    head = sized_svg(wide, 150.0).splitlines()[0]
    assert 'width="150mm" height="75mm"' in head and 'viewBox="0 0 64 32"' in head
