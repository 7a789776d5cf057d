"""The studio's web application (FastAPI): the page, its JSON API, files, uploads.

``create_app(workspace)`` builds it; ``vecdream studio`` serves it with uvicorn. Routes:

* ``GET /`` and ``/static/*`` -- the page (our own HTML, JS and CSS; nothing from a CDN);
* ``GET /api/info`` -- choices the page offers (families, palettes, styles, nets, ...);
  ``GET /api/layers/{net}`` -- a net's layers to dream and their channel counts;
* ``POST /api/jobs/{kind}``, ``GET /api/jobs[/{id}]``, ``GET /api/jobs/{id}/events``
  (server-sent events until the job ends), ``POST /api/jobs/{id}/cancel``;
* ``POST /api/uploads`` -- seed files, a photo or a palette into ``uploads/<folder>/``;
  ``GET /api/uploads`` -- the seed folders there (uploaded, or named by ``--seeds``);
* ``POST /api/catalogue/issue``, ``GET /api/catalogue``, ``POST /api/catalogue/export``;
* ``GET /files/{path}`` -- a file of the workspace; ``GET /api/provenance/{path}``.

Every error is a JSON ``{"error": "one line"}`` with a 4xx/5xx status, never a traceback.
With a ``token`` every request must carry it (``?token=``, then a cookie, or the
``X-Studio-Token`` header): the CLI requires one when it binds beyond loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from vecdream.studio import catalogue_ops
from vecdream.studio.jobs import FINISHED, JobManager
from vecdream.studio.params import DEFAULT_LAYERS, SPECS, ParamError, check_params
from vecdream.studio.uploads import UploadError, save_uploads, seed_folders
from vecdream.studio.workspace import OutsideWorkspace, Workspace

__all__ = ["create_app"]

log = logging.getLogger(__name__)
_COOKIE = "vecdream_studio_token"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(workspace: Workspace | str | Path, *, token: str | None = None,
               workers: int = 1, max_upload_mb: float = 20.0,
               ray: str | None = None) -> FastAPI:
    """The studio app over ``workspace``.

    Args:
        workspace: the folder (or :class:`Workspace`) holding jobs, uploads, catalogue.
        token: when given, every request must present it.
        workers: jobs that run at once (each in its own process).
        max_upload_mb: the largest file an upload may hold.
        ray: run jobs on this Ray cluster (see :class:`~vecdream.studio.jobs.JobManager`).
    """
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    jobs = JobManager(ws, workers=workers, ray=ray)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        jobs.shutdown()  # Ctrl-C: workers stop, their jobs read "interrupted"

    app = FastAPI(title="vecdream studio", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.workspace, app.state.jobs = ws, jobs
    static = resources.files("vecdream.studio") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if token is not None:
            given = (request.query_params.get("token") or request.cookies.get(_COOKIE)
                     or request.headers.get("x-studio-token") or "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return _error(401, "this studio needs its access token: open the URL it "
                                   "printed")
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_upload_mb * 2**20 * 8:
            return _error(413, f"request too large (uploads hold at most {max_upload_mb:g} "
                               "MB a file)")
        try:
            response = await call_next(request)
        except Exception as exc:  # noqa: BLE001 - a failure is a message, never a traceback
            log.exception("studio request failed")
            first = str(exc).splitlines()[0] if str(exc) else ""
            return _error(500, f"{type(exc).__name__}: {first}")
        if token is not None and request.query_params.get("token"):
            response.set_cookie(_COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ())[1:]) or "request"
        return _error(400, f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(OutsideWorkspace)
    async def outside(_request: Request, exc: OutsideWorkspace):
        return _error(403, str(exc))

    @app.exception_handler(ParamError)
    async def bad_param(_request: Request, exc: ParamError):
        return _error(400, str(exc))

    @app.exception_handler(UploadError)
    async def bad_upload(_request: Request, exc: UploadError):
        return _error(exc.status, str(exc))

    @app.get("/")
    def index() -> Response:
        return Response((static / "index.html").read_text(encoding="utf-8"),
                        media_type="text/html")

    @app.get("/api/info")
    def info() -> dict:
        from vecdream.provenance import vecdream_version

        return {"version": vecdream_version(), "workspace": str(ws.root), "options": SPECS,
                "palettes": _palettes()}

    layers: dict[str, dict] = {}

    @app.get("/api/layers/{net}")
    def net_layers(net: str):
        """The net's layers to dream, with channel counts (an untrained copy of the net
        tells them: no weights are read)."""
        if net not in DEFAULT_LAYERS:
            return _error(404, f"net: expected one of {', '.join(DEFAULT_LAYERS)}, got {net!r}")
        if net not in layers:
            from vecdream.dream.channels import layer_shapes
            from vecdream.nets import load_net

            shapes = layer_shapes(load_net(net, weights=None), size=64)
            layers[net] = {"default": DEFAULT_LAYERS[net], "layers": [
                {"name": name, "channels": shape[0]} for name, shape in shapes.items()]}
        return layers[net]

    @app.post("/api/jobs/{kind}")
    async def submit(kind: str, request: Request) -> JSONResponse:
        try:
            params = await request.json()
        except ValueError:
            return _error(400, "expected a JSON object of options")
        checked = check_params(kind, params, ws)
        return JSONResponse(_public(jobs.submit(kind, checked), ws), status_code=201)

    @app.get("/api/jobs")
    def list_jobs() -> list[dict]:
        return [_public(j, ws) for j in jobs.list()]

    @app.get("/api/jobs/{job_id}")
    def get_job(job_id: str):
        job = jobs.get(job_id)
        return _error(404, f"no job {job_id!r}") if job is None else _public(job, ws)

    @app.post("/api/jobs/{job_id}/cancel")
    def cancel_job(job_id: str):
        job = jobs.cancel(job_id)
        return _error(404, f"no job {job_id!r}") if job is None else _public(job, ws)

    @app.get("/api/jobs/{job_id}/events")
    async def job_events(job_id: str, request: Request):
        if jobs.get(job_id) is None:
            return _error(404, f"no job {job_id!r}")

        async def stream():
            seen = -1
            while not await request.is_disconnected():
                job = jobs.get(job_id)
                if job["version"] != seen:
                    seen = job["version"]
                    yield f"data: {json.dumps(_public(job, ws))}\n\n"
                    if job["status"] in FINISHED:
                        return
                await asyncio.sleep(0.1)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @app.post("/api/uploads")
    async def upload(kind: str, files: list[UploadFile]) -> dict:
        return await save_uploads(ws, kind, files, max_bytes=int(max_upload_mb * 2**20))

    @app.get("/api/uploads")
    def uploads() -> list[dict]:
        return seed_folders(ws)

    @app.get("/api/catalogue")
    def catalogue() -> list[dict]:
        return catalogue_ops.campaigns(ws)

    @app.post("/api/catalogue/issue")
    def issue(body: dict):
        try:
            return catalogue_ops.issue_seeds(ws, list(body.get("seeds", [])),
                                             str(body.get("campaign", "")))
        except ValueError as exc:
            return _error(400, str(exc))

    @app.post("/api/catalogue/export")
    def export(body: dict):
        try:
            name, count = catalogue_ops.export_zip(ws, str(body.get("campaign", "")),
                                                   float(body.get("page_mm", 100)))
        except ValueError as exc:
            return _error(400, str(exc).splitlines()[0])
        return {"zip": f"/files/{name}", "seeds": count}

    @app.get("/files/{name:path}")
    def files(name: str):
        path = ws.resolve(name)
        if not path.is_file():
            return _error(404, f"no file {name!r} in the workspace")
        return FileResponse(path, headers={"Cache-Control": "no-cache"})

    @app.get("/api/provenance/{name:path}")
    def provenance(name: str):
        from vecdream.export import read_metadata

        path = ws.resolve(name)
        try:
            return read_metadata(path)
        except (ValueError, OSError) as exc:
            return _error(404, f"{name}: {exc}")

    return app


def _palettes() -> dict[str, list[str]]:
    from vecdream.seeds.palette import PALETTES

    return dict(PALETTES)


def _public(job: dict, ws: Workspace) -> dict:
    """A job as the page sees it: file names become ``/files/...`` URLs, absolute paths
    in its parameters become workspace names."""
    base = f"/files/jobs/{job['id']}/"
    params = {k: ws.relative(Path(v)) if isinstance(v, str) and v.startswith(str(ws.root))
              else v for k, v in job["params"].items()}
    return {**{k: v for k, v in job.items() if k != "order"}, "params": params, "base": base}
