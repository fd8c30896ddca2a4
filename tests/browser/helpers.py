"""Driving the widget from tests: open it, type, wait for a given kind of results."""

from __future__ import annotations

import json
from pathlib import Path

from tests.needs import missing

OPTION = "#mkdocs-embed-listbox [role=option]"
STATUS = ".mkdocs-embed__status"
MODEL_TIMEOUT_MS = 90_000
AXE = Path(__file__).resolve().parents[2] / "js" / "node_modules" / "axe-core" / "axe.min.js"


def search(page, query: str, mode: str = "hybrid", timeout: int = MODEL_TIMEOUT_MS, excerpts: bool = True) -> list[str]:
    """Type ``query`` into the open dialog; once results of ``mode`` for it are shown, their hrefs in rank order.

    With ``excerpts``, wait until the results show their excerpts too (they load
    after the results). The dialog groups results by page, so display order can
    differ from rank.
    """
    page.fill(".mkdocs-embed__input", query)
    # Selector waits, not wait_for_function: those evaluate strings, which a CSP refuses.
    ready = f"#mkdocs-embed-listbox[data-mode={mode}][data-query={json.dumps(query)}]" + ("[data-excerpts=complete]" if excerpts else "")
    page.locator(ready).wait_for(state="attached", timeout=timeout)
    options = page.query_selector_all(OPTION)
    return [a.get_attribute("href") for a in sorted(options, key=lambda a: int(a.get_attribute("data-rank")))]


def status(page) -> str:
    return page.inner_text(STATUS) if page.is_visible(STATUS) else ""


def wait_status(page, text: str | None = None, tone: str | None = None, timeout: int = MODEL_TIMEOUT_MS) -> str:
    """Wait until the status line shows ``text`` and/or has ``tone``; returns it."""
    selector = STATUS + (f"[data-tone={tone}]" if tone else "")
    locator = page.locator(selector)
    if text:
        locator = locator.filter(has_text=text)
    locator.wait_for(timeout=timeout)
    return status(page)


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical findings in the open dialog: rule, impact, the first few nodes and why."""
    if not AXE.is_file():
        missing("axe-core is not installed: run `npm ci` in js/")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
      const result = await axe.run(document.querySelector(".mkdocs-embed"));
      return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
        id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary),
      }));
    }""")
