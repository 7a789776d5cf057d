"""Deprecated: use :mod:`vecdream.dream.reseed` (see :mod:`vecdream._moved`)."""

from vecdream._moved import alias

alias(__name__)
