"""The `ap-sheets` command: thin Click wrappers over the library functions, one module per
command area (each adds its commands to the group in `main`)."""

from __future__ import annotations

from . import consolidate, directory, register, rules, serve, templates, validate  # noqa: F401 (each adds its commands)
from .main import main, run

__all__ = ["main", "run"]
