"""What a test needs from the machine, missing: a skip on a workstation, a failure in CI.

``make test`` installs all of it (Chromium, the widget bundle, actionlint,
the other generators), so in CI (the ``CI`` variable set, as GitHub Actions
sets it) a missing one is a broken set-up that must not pass as green.
"""

from __future__ import annotations

import importlib.util
import os
from typing import NoReturn

import pytest


def missing(what: str) -> NoReturn:
    """Skip, saying what is missing; fail instead where ``CI`` is set."""
    if os.environ.get("CI"):
        pytest.fail(f"{what}; CI is set, so this fails instead of skipping", pytrace=False)
    pytest.skip(what)


def module(name: str) -> None:
    """The importable module ``name``, or :func:`missing`."""
    if importlib.util.find_spec(name) is None:
        missing(f"{name} is not installed (it is in the test extra)")
