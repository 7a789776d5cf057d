"""Drive vecdream studio from a script: what its page does, through its HTTP API.

Builds the studio's app on a workspace folder, generates family seeds as a job (workers
are real processes; progress streams as the job's state), opens one seed's variations,
issues the seeds and a variation into the workspace's catalogue (the variation is
refused, with the seed and transform it matched), and exports the campaign as a ZIP::

    python examples/studio_api.py --n 4 --out out/studio

The same in a browser: ``vecdream studio --workspace out/studio --open``.
"""

from __future__ import annotations

import argparse
import time
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from vecdream.studio import create_app


def run_job(client: TestClient, kind: str, params: dict) -> dict:
    """Submit a job, follow its progress, return its final state."""
    job = client.post(f"/api/jobs/{kind}", json=params).json()
    shown = None
    while job["status"] not in ("done", "failed", "cancelled", "interrupted"):
        time.sleep(0.2)
        job = client.get(f"/api/jobs/{job['id']}").json()
        text = job["progress"]["text"]
        if text != shown:
            print(f"  {kind}: {text}")
            shown = text
    if job["status"] != "done":
        raise SystemExit(f"{kind} {job['status']}: {job['error']}")
    return job


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4, help="seeds to generate")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--out", type=Path, default=Path("out/studio"), help="the workspace")
    args = parser.parse_args(argv)
    with TestClient(create_app(args.out)) as client:
        seeds = run_job(client, "seeds", {"family": "smith", "count": args.n,
                                          "size": args.size})
        files = [seeds["base"].removeprefix("/files/") + s["svg"]
                 for s in seeds["result"]["seeds"]]
        for s in seeds["result"]["seeds"]:
            st = s["stats"]
            print(f"{s['name']}: {st['contours']} contours, {st['nodes']} nodes, "
                  f"{st['colours']} colours, {'Mosaic ok' if st['suitable'] else st['notes']}")
        variations = run_job(client, "variations", {"svg": files[0], "count": 2})
        copy = variations["base"].removeprefix("/files/") + \
            variations["result"]["seeds"][0]["svg"]
        for r in client.post("/api/catalogue/issue",
                             json={"campaign": "spring", "seeds": files + [copy]}).json():
            detail = f"#{r['id']}" if r["status"] == "admitted" else r.get("line", "")
            print(f"{r['status']} {Path(r['file']).name}: {detail}")
        export = client.post("/api/catalogue/export", json={"campaign": "spring"}).json()
        path = args.out / export["zip"].removeprefix("/files/")
        with zipfile.ZipFile(path) as zf:
            print(f"wrote {path}: {len(zf.namelist())} files ({export['seeds']} seeds)")


if __name__ == "__main__":
    main()
