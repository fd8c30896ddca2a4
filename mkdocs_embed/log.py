"""Logging in MkDocs' style, so plugin and CLI lines look alike."""

from __future__ import annotations

import logging

log = logging.getLogger("mkdocs.plugins.embed")


def setup_cli_logging(verbose: bool = False) -> None:
    """Give the standalone CLI the ``INFO    -  message`` look of ``mkdocs build``."""

    class _Formatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return f"{record.levelname:<8}-  {record.getMessage()}"

    handler = logging.StreamHandler()
    handler.setFormatter(_Formatter())
    root = logging.getLogger("mkdocs")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
