"""SeedFolder: SVG, PDF, PNG, a corrupt file and a non-image; exact summary, no raise."""

from __future__ import annotations

import logging

import torch
from PIL import Image

from vecdream.export import save_pdf
from vecdream.seeds import SeedFolder, family_dataset, make_drawing, seed_stats

torch.set_num_threads(1)


def _fill_folder(root):
    d = make_drawing("smith", size=32.0, seed=0)
    (root / "sub").mkdir(parents=True)
    d.save_svg(root / "a.svg")
    save_pdf(make_drawing("circles", size=32.0, seed=1, style="both"), root / "sub" / "b.pdf")
    Image.new("RGB", (40, 20), (200, 30, 30)).save(root / "c.png")
    (root / "broken.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><path d=")
    (root / "notes.txt").write_text("not a seed")
    return d


def test_folder_reads_every_kind_and_counts_exactly(tmp_path, caplog):
    d = _fill_folder(tmp_path)
    with caplog.at_level(logging.WARNING, logger="vecdream.seeds"):
        folder = SeedFolder(tmp_path, size=32)
    s = folder.summary
    assert (s.n_read, s.n_skipped) == (3, 2)
    assert dict(s.read) == {"svg": 1, "pdf": 1, "raster": 1}
    assert dict(s.reasons) == {"unreadable SVG": 1, "not a seed file": 1}
    assert str(s).startswith("read 3 seeds (1 pdf, 1 raster, 1 svg), skipped 2")
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 2 and all(m.count("\n") == 0 for m in warned)
    assert any("broken.svg" in m for m in warned) and any("notes.txt" in m for m in warned)

    assert len(folder) == 3 and folder[0].shape == (3, 32, 32)
    x = torch.stack([folder[i] for i in range(3)])
    assert x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    kinds = dict(zip([p.name for p in folder.paths], folder.kinds, strict=True))
    assert kinds == {"a.svg": "svg", "b.pdf": "pdf", "c.png": "raster"}
    assert folder.vector_indices() == [i for i, k in enumerate(folder.kinds) if k != "raster"]
    svg_i, pdf_i = folder.kinds.index("svg"), folder.kinds.index("pdf")
    assert len(folder.drawings[svg_i]) == len(d)
    circles = make_drawing("circles", size=32.0, seed=1, style="both")  # fill + stroke paths
    assert len(folder.drawings[pdf_i]) == len(circles)  # read back as vector, one path each
    assert torch.allclose(folder.drawings[pdf_i].points, circles.points, atol=0.01)
    png = folder[folder.kinds.index("raster")]
    assert torch.allclose(png[:, 0, 0], torch.ones(3))  # letterboxed on white
    assert torch.allclose(png[:, 16, 16], torch.tensor([200, 30, 30]) / 255, atol=0.02)


def test_folder_cache_skips_reparsing(tmp_path, monkeypatch):
    _fill_folder(tmp_path / "seeds")
    cache = tmp_path / "cache.pt"
    first = SeedFolder(tmp_path / "seeds", size=32, cache=cache)
    assert cache.is_file()
    import vecdream.seeds.folder as folder_module

    def boom(*_a, **_k):
        raise AssertionError("re-parsed a file despite the cache")

    monkeypatch.setattr(folder_module, "read_seed", boom)
    again = SeedFolder(tmp_path / "seeds", size=32, cache=cache)
    assert torch.equal(again.images, first.images) and again.kinds == first.kinds
    assert again.summary.n_skipped == 2 and len(again.drawings[0]) == len(first.drawings[0])


def test_family_dataset_and_stats():
    ds = family_dataset("truchet", 3, size=32, seed=0)
    assert len(ds) == 3 and ds[2].shape == (3, 32, 32) and len(ds.drawings) == 3
    again = family_dataset("truchet", 3, size=32, seed=0)
    assert torch.equal(ds.images, again.images)
    st = seed_stats(ds.drawings[0], ds.images[0], name="t")
    assert st.paths == len(ds.drawings[0]) and st.colours >= 3 and st.coverage > 0.9
    assert st.suitable, st.notes
    simple = make_drawing("maze", size=32.0, grid=2, palette="mono", seed=0)
    weak = seed_stats(simple, ds.images[0] * 0 + 255)
    assert any("too simple" in n for n in weak.notes)
    assert any("too few colours" in n for n in weak.notes)
    assert any("blank" in n for n in weak.notes)


def test_pdf_problems_are_one_line_each(tmp_path, caplog):
    """A corrupt PDF: one clear line, no raise; good PDFs are read and drawn by pdfium."""
    save_pdf(make_drawing("maze", size=32.0, seed=0), tmp_path / "good.pdf")
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4\n garbage \n%%EOF\n")
    with caplog.at_level(logging.WARNING, logger="vecdream.seeds"):
        folder = SeedFolder(tmp_path, size=32)
    assert folder.summary.n_read == 1 and dict(folder.summary.reasons) == {"unreadable PDF": 1}
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "corrupt.pdf" in lines[0] and "not a readable PDF" in lines[0]
    good = folder.images[folder.kinds.index("pdf")]
    assert good.float().std() > 10  # the maze is drawn, not a blank page
