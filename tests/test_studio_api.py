"""vecdream studio without a browser: workspace confinement, parameters, uploads, jobs
(run in real worker processes), the catalogue and its ZIP export, the access token."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

pytest.importorskip("fastapi", reason="the studio extra (fastapi) is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from vecdream.studio.app import create_app  # noqa: E402
from vecdream.studio.jobs import JobManager  # noqa: E402
from vecdream.studio.params import SPECS, ParamError, check_params  # noqa: E402
from vecdream.studio.workspace import OutsideWorkspace, Workspace, safe_name  # noqa: E402


def wait(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled", "interrupted"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    root = tmp_path_factory.mktemp("studio")
    with TestClient(create_app(root, max_upload_mb=0.5)) as client:
        yield client, Workspace(root)


def test_workspace_confines_every_path(tmp_path):
    ws = Workspace(tmp_path)
    assert ws.resolve("jobs/x/a.svg") == tmp_path.resolve() / "jobs/x/a.svg"
    for bad in ("../secret", "jobs/../../x", "/etc/passwd", "C:/x", "..\\x"):
        with pytest.raises(OutsideWorkspace):
            ws.resolve(bad)
    (tmp_path / "link").symlink_to("/etc")
    with pytest.raises(OutsideWorkspace):
        ws.resolve("link/passwd")
    assert safe_name("../../a b.svg") == "a_b.svg"
    assert safe_name("..") == "file"
    with pytest.raises(OutsideWorkspace):
        ws.job_dir("../x")


def test_params_are_checked_and_name_the_option(tmp_path):
    ws = Workspace(tmp_path)
    assert check_params("seeds", {"family": "smith"}, ws)["count"] == 8
    cases = [("seeds", {"family": "nope"}, "family"), ("seeds", {"family": "smith", "count": 999},
             "count"), ("seeds", {"family": "smith", "bogus": 1}, "bogus"),
             ("dream", {"pen_mm": "wide"}, "pen_mm"), ("variations", {}, "svg"),
             ("nope", {}, "kind")]
    for kind, params, option in cases:
        with pytest.raises(ParamError, match=f"^{option}"):
            check_params(kind, params, ws)
    with pytest.raises(OutsideWorkspace):
        check_params("variations", {"svg": "../../etc/x.svg"}, ws)


def test_choices_match_the_library(studio):
    from vecdream.cli.options import DREAM_LAYER
    from vecdream.nets import NET_NAMES
    from vecdream.seeds.families import FAMILIES
    from vecdream.studio.params import DEFAULT_LAYERS

    assert SPECS["seeds"]["family"]["options"] == tuple(FAMILIES)
    assert set(SPECS["dream"]["net"]["options"]) == set(NET_NAMES)
    assert DEFAULT_LAYERS == DREAM_LAYER
    client, _ = studio
    layers = client.get("/api/layers/resnet18").json()
    assert layers["default"] == "layer3"
    assert {"name": "layer3", "channels": 256} in layers["layers"]
    assert client.get("/api/layers/alexnet").status_code == 404


def test_page_and_errors_are_plain(studio):
    client, _ = studio
    page = client.get("/")
    assert page.status_code == 200 and "vecdream studio" in page.text
    assert client.get("/static/studio.js").status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    r = client.get("/files/..%2f..%2f..%2fetc%2fpasswd")
    assert r.status_code == 403 and "outside the workspace" in r.json()["error"]
    assert client.get("/api/jobs/nope").json() == {"error": "no job 'nope'"}
    r = client.post("/api/jobs/seeds", json={"family": "smith", "count": 0})
    assert r.status_code == 400 and r.json()["error"].startswith("count:")


def test_uploads_are_limited_cleaned_and_read(studio):
    client, ws = studio
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" ' \
          b'height="5"/></svg>'
    r = client.post("/api/uploads?kind=seeds", files=[
        ("files", ("../../evil name.svg", svg, "image/svg+xml")),
        ("files", ("broken.svg", b"<svg", "image/svg+xml")),
        ("files", ("notes.txt", b"hi", "text/plain"))])
    body = r.json()
    assert r.status_code == 200, body
    assert body["files"] == [f"{body['folder']}/evil_name.svg"]
    assert {s["file"] for s in body["skipped"]} == {"broken.svg", "notes.txt"}
    assert ws.resolve(body["files"][0]).read_bytes() == svg
    big = client.post("/api/uploads?kind=seeds", files=[
        ("files", ("big.svg", b" " * (600 * 1024), "image/svg+xml"))])
    assert big.status_code == 413 and "limit" in big.json()["error"]
    entity = (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    r = client.post("/api/uploads?kind=seeds", files=[("files", ("x.svg", entity, "image/svg"))])
    assert r.status_code == 400 and "nothing readable" in r.json()["error"]


def test_seed_jobs_issue_and_export(studio):
    client, ws = studio
    job = client.post("/api/jobs/seeds", json={"family": "truchet", "count": 2, "size": 64})
    assert job.status_code == 201
    done = wait(client, job.json()["id"])
    assert done["status"] == "done", done["error"]
    seeds = done["result"]["seeds"]
    assert [s["name"] for s in seeds] == ["truchet_00000", "truchet_00001"]
    assert seeds[0]["stats"]["contours"] > 0 and seeds[0]["stats"]["seamless"] is True
    files = [done["base"].removeprefix("/files/") + s["svg"] for s in seeds]
    info = client.get(f"/api/provenance/{files[0]}").json()
    assert info["command"] == "studio seeds" and info["family"] == "truchet"
    var = wait(client, client.post("/api/jobs/variations",
                                   json={"svg": files[0], "count": 1}).json()["id"])
    assert var["status"] == "done", var["error"]
    copy = var["base"].removeprefix("/files/") + var["result"]["seeds"][0]["svg"]
    page = var["base"].removeprefix("/files/") + var["result"]["mosaic_svg"]
    results = client.post("/api/catalogue/issue", json={
        "campaign": "spring", "seeds": files + [copy, page]}).json()
    assert [r["status"] for r in results] == ["admitted", "admitted", "refused", "ignored"]
    assert results[2]["nearest"]["name"] == "truchet_00000"
    assert results[2]["nearest"]["campaign"] == "spring"
    assert client.get("/api/catalogue").json() == [{"campaign": "spring", "seeds": 2}]
    exported = client.post("/api/catalogue/export", json={"campaign": "spring"}).json()
    data = client.get(exported["zip"]).content
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert sorted(n for n in names if n.endswith(".pdf")) == [
        "000001_truchet_00000.pdf", "000002_truchet_00001.pdf"]
    rows = manifest["seeds"] if isinstance(manifest, dict) else manifest
    assert [r["name"] for r in rows] == ["truchet_00000", "truchet_00001"]
    bad = client.post("/api/catalogue/export", json={"campaign": "nope"})
    assert bad.status_code == 400


def test_a_failed_job_is_one_line_and_the_studio_lives_on(studio):
    client, ws = studio
    folder = ws.resolve("uploads/empty")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text("not a seed")
    job = wait(client, client.post("/api/jobs/folder", json={"folder": "uploads/empty"}
                                   ).json()["id"])
    assert job["status"] == "failed" and "no readable seed" in job["error"]
    assert "\n" not in job["error"] and "Traceback" not in job["error"]
    assert client.get("/api/info").status_code == 200


def test_cancel_and_restart_keep_the_record(tmp_path):
    ws = Workspace(tmp_path)
    with TestClient(create_app(ws)) as client:
        job = client.post("/api/jobs/dream", json={"steps": 5000, "size": 64, "paths": 10})
        job_id = job.json()["id"]
        queued = client.post("/api/jobs/seeds", json={"family": "maze", "count": 1}).json()
        assert queued["status"] == "queued"  # one worker: it waits for the dream
        time.sleep(1.0)
        assert client.post(f"/api/jobs/{job_id}/cancel").json()["status"] == "cancelled"
        assert wait(client, queued["id"])["status"] == "done"  # the next one starts
        client.post("/api/jobs/dream", json={"steps": 5000, "size": 64, "paths": 10})
        time.sleep(0.5)
    # the app stopped while that dream ran; a new studio on the workspace tells so
    restarted = JobManager(ws)
    states = sorted(j["status"] for j in restarted.list())
    assert states == ["cancelled", "done", "interrupted"]


def test_token_guards_every_request(tmp_path):
    with TestClient(create_app(tmp_path, token="s3cret")) as client:
        assert client.get("/api/info").status_code == 401
        assert client.get("/api/info", headers={"X-Studio-Token": "s3cret"}).status_code == 200
        first = client.get("/?token=s3cret")
        assert first.status_code == 200
        assert client.get("/api/info").status_code == 200  # the cookie carries it now


def _svg_seed(i: int) -> bytes:
    colours = ["#d62828", "#003f88", "#fcbf49"]
    shapes = "".join(f'<rect x="{(k * 7 + i * 3) % 24}" y="{(k * 5) % 24}" width="8" '
                     f'height="8" fill="{colours[(k + i) % 3]}"/>' for k in range(6))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            f'<rect width="32" height="32" fill="#f2e8d5"/>{shapes}</svg>').encode()


def test_every_flow_runs_end_to_end(studio):
    """A designer's folder (train, sample), a palette file, the channel sheet, a dream gone
    large, and a painting: each a real job on the real library, tiny."""
    client, ws = studio
    up = client.post("/api/uploads?kind=seeds", files=[
        ("files", (f"s{i}.svg", _svg_seed(i), "image/svg+xml")) for i in range(3)]).json()
    folder = wait(client, client.post("/api/jobs/folder", json={"folder": up["folder"]}
                                      ).json()["id"])
    assert folder["status"] == "done", folder["error"]
    assert len(folder["result"]["seeds"]) == 3
    train = wait(client, client.post("/api/jobs/train", json={
        "folder": up["folder"], "steps": 2, "size": 32, "sheet_every": 1, "samples": 2,
        "generator": "paths"}).json()["id"], timeout=300)
    assert train["status"] == "done", train["error"]
    assert len(train["result"]["losses"]["d"]) == 2 and train["result"]["generator"] == "paths"
    assert len(train["result"]["seeds"]) == 2 and train["preview"] == "sheet.png"
    gpl = b"GIMP Palette\nName: t\n#\n255 0 0 red\n0 0 255 blue\n0 128 0 green\n"
    pal = client.post("/api/uploads?kind=palette", files=[("files", ("p.gpl", gpl, "text/plain"))])
    seeds = wait(client, client.post("/api/jobs/seeds", json={
        "family": "maze", "count": 1, "size": 64, "palette_file": pal.json()["files"][0]}
        ).json()["id"])
    assert seeds["status"] == "done", seeds["error"]
    assert seeds["result"]["seeds"][0]["stats"]["colours"] <= 3
    sheet = wait(client, client.post("/api/jobs/channels", json={"count": 2, "steps": 2}
                                     ).json()["id"])
    assert sheet["status"] == "done", sheet["error"]
    assert [c["channel"] for c in sheet["result"]["channels"]] == [0, 1]
    dream = wait(client, client.post("/api/jobs/dream", json={
        "steps": 2, "size": 48, "paths": 8, "tiles": 2, "large_steps": 2}).json()["id"],
        timeout=300)
    assert dream["status"] == "done", dream["error"]
    svg = ws.resolve(dream["base"].removeprefix("/files/") + dream["result"]["svg"])
    assert 'viewBox="0 0 96 96"' in svg.read_text()  # tiled 2 x 2 at the same scale
    photo = client.post("/api/uploads?kind=photo", files=[
        ("files", ("p.png", ws.resolve(seeds["base"].removeprefix("/files/")
                                       + seeds["result"]["seeds"][0]["png"]).read_bytes(),
                   "image/png"))]).json()
    paint = wait(client, client.post("/api/jobs/paint", json={
        "photo": photo["files"][0], "steps": 2, "size": 48, "paths": 20}).json()["id"])
    assert paint["status"] == "done", paint["error"]
    assert {"svg", "pdf", "png", "photo_png"} <= set(paint["result"])
    from vecdream.painter.mypaint import mypaint_available

    brush = wait(client, client.post("/api/jobs/paint", json={
        "photo": photo["files"][0], "medium": "brush", "brush": "tanda/marker-01", "steps": 2,
        "size": 48}).json()["id"])
    assert brush["status"] == "done", brush["error"]
    assert brush["result"]["json"] == "painting.json"
    assert (brush["result"]["replay"] is not None) == mypaint_available()


def test_studio_notebook_and_example_run(tmp_path, run_notebook):
    """notebooks/studio.ipynb and examples/studio_api.py, end to end at tiny settings."""
    import subprocess
    import sys
    from pathlib import Path

    run = run_notebook("studio.ipynb", "SIZE = 128",
                       f'SIZE = 48\nN = 2\nOUT = r"{tmp_path / "nb"}"', timeout=240)
    assert "image/png" in run.kinds
    assert run.text.count("admitted") == 2 and "refused" in run.text
    assert "manifest.json" in run.text
    example = Path(__file__).resolve().parents[1] / "examples" / "studio_api.py"
    proc = subprocess.run([sys.executable, str(example), "--n", "2", "--size", "48", "--out",
                           str(tmp_path / "ex")], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count("admitted") == 2 and "refused" in proc.stdout
    assert "wrote" in proc.stdout and ".zip" in proc.stdout


def test_jobs_run_on_ray_with_their_progress(tmp_path):
    pytest.importorskip("ray")
    manager = JobManager(Workspace(tmp_path), ray="local")
    try:
        job = manager.submit("seeds", {"family": "maze", "count": 2, "size": 64,
                                       "palette": "", "style": "fill", "seed": 0})
        deadline = time.monotonic() + 240
        while (state := manager.get(job["id"]))["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert state["status"] == "done", state["error"]
        assert [s["name"] for s in state["result"]["seeds"]] == ["maze_00000", "maze_00001"]
        assert state["progress"]["text"] == "seed 2 of 2"  # forwarded from the Ray task
        assert (tmp_path / "jobs" / job["id"] / "maze_00001.svg").is_file()
    finally:
        manager.shutdown()
