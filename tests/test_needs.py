"""Honest CI: what the suite needs from the machine is a skip on a workstation and a failure where ``CI`` is set."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests import test_workflows
from tests.browser import conftest as browser
from tests.needs import missing, module


def outcome(call: Callable[[], object]) -> str:
    """What ``call`` makes of the test it runs in: "fail: …", "skip: …" or "ok" (a skip must not skip this test)."""
    try:
        call()
    except pytest.fail.Exception as exc:
        return f"fail: {exc}"
    except pytest.skip.Exception as exc:
        return f"skip: {exc}"
    return "ok"


@pytest.fixture
def ci(monkeypatch):
    monkeypatch.setenv("CI", "true")


def test_a_missing_need_is_a_skip_without_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert outcome(lambda: missing("chromium is not installed")) == "skip: chromium is not installed"


def test_a_missing_need_fails_in_ci(ci):
    assert outcome(lambda: missing("chromium is not installed")) == (
        "fail: chromium is not installed; CI is set, so this fails instead of skipping"
    )


def test_in_ci_no_chromium_fails(ci, monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    assert outcome(browser.chromium_path).startswith("fail: /nonexistent/chromium is not installed")


def test_in_ci_no_widget_bundle_fails(ci, monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "REPO", tmp_path)
    assert outcome(browser._need_bundle).startswith("fail: widget bundle not built")


def test_in_ci_no_actionlint_fails(ci, monkeypatch):
    monkeypatch.setattr(test_workflows.shutil, "which", lambda *args, **kwargs: None)
    assert outcome(test_workflows.actionlint).startswith("fail: actionlint is not installed")


def test_in_ci_a_missing_generator_fails(ci):
    assert outcome(lambda: module("no_such_generator")).startswith("fail: no_such_generator is not installed")
