"""Deprecated: use :mod:`vecdream.dream.channels_job` (see :mod:`vecdream._moved`)."""

from vecdream._moved import alias

alias(__name__)
