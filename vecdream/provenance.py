"""Provenance: what made a file (vecdream version, net, layer, seed, ...).

Outputs carry a flat ``{str: str}`` record: SVG files in ``<metadata>``, PNG files in
``tEXt`` chunks, PDF files in the document's Subject (as JSON).
:func:`vecdream.export.read_metadata` reads any of the three back, so ``vecdream info``
can say how a file was made. This module imports nothing from vecdream: every stage
may use it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import metadata as _importlib_metadata

__all__ = ["PROVENANCE_NS", "pdf_subject", "png_text_chunks", "provenance_record",
           "record_from_pdf_subject", "record_from_png_text", "vecdream_version"]

PROVENANCE_NS = "https://github.com/vecdream/vecdream/provenance"
"""XML namespace of the ``<vecdream:provenance>`` element inside SVG ``<metadata>``."""

_PNG_PREFIX = "vecdream:"
_PDF_PREFIX = "vecdream-provenance "


def vecdream_version() -> str:
    """The installed package version (pyproject.toml is the one source)."""
    try:
        return _importlib_metadata.version("vecdream")
    except _importlib_metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def provenance_record(metadata: Mapping[str, object] | None) -> dict[str, str]:
    """``metadata`` as flat strings, with ``vecdream`` (the version) first."""
    record = {"vecdream": vecdream_version()}
    for key, value in (metadata or {}).items():
        if value is not None:
            record[str(key)] = value if isinstance(value, str) else json.dumps(value)
    return record


def pdf_subject(record: Mapping[str, str]) -> str:
    """The PDF Subject string holding ``record``."""
    return _PDF_PREFIX + json.dumps(dict(record), sort_keys=False)


def png_text_chunks(record: Mapping[str, str]) -> dict[str, str]:
    """PNG ``tEXt`` keywords (``vecdream:KEY``) and values for ``record``."""
    return {_PNG_PREFIX + key: value for key, value in record.items()}


def record_from_png_text(text: Mapping[str, str]) -> dict[str, str]:
    """The record inside a PNG's text chunks (``{}`` when vecdream wrote none)."""
    return {k[len(_PNG_PREFIX):]: v for k, v in text.items() if k.startswith(_PNG_PREFIX)}


def record_from_pdf_subject(subject: str) -> dict[str, str]:
    """The record inside a PDF Subject written by :func:`pdf_subject` (``{}`` if none)."""
    if not subject.startswith(_PDF_PREFIX):
        return {}
    return {str(k): str(v) for k, v in json.loads(subject[len(_PDF_PREFIX):]).items()}
