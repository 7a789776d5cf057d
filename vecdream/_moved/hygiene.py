"""Deprecated: use :mod:`vecdream.dream.hygiene` (see :mod:`vecdream._moved`)."""

from vecdream._moved import alias

alias(__name__)
