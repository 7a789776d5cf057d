"""Ray backend: each call a Ray task on a local or remote cluster (``pip install
'vecdream[ray]'``). Results come back to the driver, which is the job's one writer."""

from __future__ import annotations

from vecdream.jobs.local import error_line

__all__ = ["RayBackend"]


class RayBackend:
    """Ray tasks, ``2 x`` the cluster's CPUs in flight.

    Args:
        address: cluster address (None: the initialized session, else ``ray.init()``,
            which starts a local cluster or joins ``RAY_ADDRESS``).
        gpus: GPU fraction per task; None: when the cluster has GPUs, they are shared
            out over its CPUs (each task sees its GPU in ``CUDA_VISIBLE_DEVICES``).
    """

    name = "ray"

    def __init__(self, address: str | None = None, *, gpus: float | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise RuntimeError("--ray needs Ray: pip install 'vecdream[ray]'") from None
        self._ray = ray
        if not ray.is_initialized():
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            except Exception as exc:  # ConnectionError, ValueError...: one line for the CLI
                where = address or "a local cluster"
                raise RuntimeError(f"--ray: cannot start or reach {where}: "
                                   f"{str(exc).splitlines()[0] if str(exc) else exc!r}") from None
        resources = ray.cluster_resources()
        cpus = max(1, int(resources.get("CPU", 1)))
        if gpus is None:
            total = float(resources.get("GPU", 0.0))
            gpus = min(1.0, total / cpus) if total else 0.0
        self.gpus = gpus
        self.capacity = 2 * cpus
        self._remotes: dict = {}

    def submit(self, fn, kwargs: dict):
        remote = self._remotes.get(fn)
        if remote is None:  # retries are the runner's, the same for every backend
            remote = self._ray.remote(num_cpus=1, num_gpus=self.gpus, max_retries=0)(fn)
            self._remotes[fn] = remote
        return remote.remote(**kwargs)

    def wait(self, handles: list) -> list[tuple[object, bool, object]]:
        done, _ = self._ray.wait(handles, num_returns=1)
        out = []
        for ref in done:
            try:
                out.append((ref, True, self._ray.get(ref)))
            except self._ray.exceptions.RayTaskError as exc:
                cause = exc.cause if getattr(exc, "cause", None) is not None else exc
                out.append((ref, False, error_line(cause)))
            except self._ray.exceptions.RayError as exc:  # a worker or node died
                out.append((ref, False, error_line(exc)))
        return out

    def close(self) -> None:
        """Leave the session up: the caller (or interpreter exit) owns ``ray.shutdown``."""
