"""vecdream studio: a local web application over the whole library.

Designers and plotter artists who never open a shell use it in a browser: seeds (from a
family or their own folder, stats, Mosaic previews and variations, the seed generator
trained on their folder, issue into the exclusivity catalogue, export as a ZIP), dreams
(channel contact sheet, live preview, going large, the plot preview at the pen's width,
downloads) and paintings of a photo. Long work runs in worker processes
(:mod:`.jobs`), everything lands in one workspace folder (:mod:`.workspace`), and the
server binds loopback unless given an access token (:mod:`.app`, :mod:`.cli`).

Needs the ``studio`` extra (FastAPI, uvicorn, python-multipart). Nothing is fetched at
run time: the page is this package's own HTML, JavaScript and CSS.

May import: every stage (it is the top of the pipeline); only the command line imports
it (stage order: docs/ARCHITECTURE.md, checked by tests/test_imports.py).
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":  # FastAPI loads when the app is built, not on import
        from vecdream.studio.app import create_app

        return create_app
    raise AttributeError(f"module 'vecdream.studio' has no attribute {name!r}")
