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


def test_choices_match_the_library():
    from vecdream.nets import NET_NAMES
    from vecdream.seeds.families import FAMILIES

    assert SPECS["seeds"]["family"]["options"] == tuple(FAMILIES)
    assert set(SPECS["dream"]["net"]["options"]) == set(NET_NAMES)


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
