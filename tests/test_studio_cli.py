"""``vecdream studio`` as a user starts it: the URL it prints, a token beyond loopback,
and Ctrl-C stopping the server and its workers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("fastapi", reason="the studio extra (fastapi) is not installed")


def start(tmp_path, *args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "vecdream", "studio", "--port", "0",
                             "--workspace", str(tmp_path), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    assert match, line
    return proc, match.group(1)


def call(url: str, data: dict | None = None) -> tuple[int, dict]:
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_ctrl_c_stops_the_studio_and_its_workers(tmp_path):
    proc, url = start(tmp_path)
    assert url.startswith("http://127.0.0.1:") and "token" not in url
    status, job = call(url + "api/jobs/dream", {"steps": 5000, "size": 64, "paths": 10})
    assert status == 201
    deadline = time.monotonic() + 60
    while (job := call(url + f"api/jobs/{job['id']}")[1])["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "studio stopped" in out
    with pytest.raises(ProcessLookupError):
        os.kill(job["pid"], 0)  # the worker is gone too
    record = json.loads((tmp_path / "jobs" / job["id"] / "job.json").read_text())
    assert record["status"] == "interrupted"


def test_beyond_loopback_needs_the_printed_token(tmp_path):
    proc, url = start(tmp_path, "--host", "0.0.0.0")
    try:
        token = re.search(r"token=([\w-]+)", url).group(1)
        base = url.split("?")[0]
        assert call(base + "api/info")[0] == 401
        request = urllib.request.Request(base + "api/info", headers={"X-Studio-Token": token})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(30)


def test_a_named_local_folder_is_offered(tmp_path):
    seeds = tmp_path / "my seeds"
    seeds.mkdir()
    (seeds / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'
                                 '<rect width="4" height="4"/></svg>')
    (seeds / "b.svg").write_text("<svg")
    (seeds / "notes.txt").write_text("not a seed")
    proc = subprocess.Popen([sys.executable, "-m", "vecdream", "studio", "--port", "0",
                             "--workspace", str(tmp_path / "ws"), "--seeds", str(seeds)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = proc.stdout.readline()
        assert "offering 1 seeds of" in first and "1 unreadable skipped" in first
        url = re.search(r"(http://\S+)", proc.stdout.readline()).group(1)
        status, folders = call(url + "api/uploads")
        assert status == 200 and folders == [{"folder": "uploads/my_seeds", "files": 1}]
    finally:
        proc.terminate()
        proc.wait(30)


def test_an_address_it_cannot_listen_on_is_one_line_naming_the_option(tmp_path):
    import socket

    from click.testing import CliRunner

    from vecdream.cli import main

    bad = CliRunner().invoke(main, ["studio", "--host", "256.1.1.1", "--workspace",
                                    str(tmp_path)])
    assert bad.exit_code == 2 and "'--host'" in bad.output and "Traceback" not in bad.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = CliRunner().invoke(main, ["studio", "--port", str(port), "--workspace",
                                         str(tmp_path)])
    assert busy.exit_code == 2 and "'--port'" in busy.output and "in use" in busy.output
