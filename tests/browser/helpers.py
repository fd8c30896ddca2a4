"""Driving the widget from tests: open it, type, wait for a given kind of results."""

from __future__ import annotations

OPTION = "#mkdocs-embed-listbox [role=option]"
STATUS = ".mkdocs-embed__status"
MODEL_TIMEOUT_MS = 90_000


def search(page, query: str, mode: str = "hybrid", timeout: int = MODEL_TIMEOUT_MS) -> list[str]:
    """Type ``query`` into the open dialog; once results of ``mode`` for it are shown, their hrefs in rank order.

    (The dialog groups results by page, so display order can differ from rank.)
    """
    page.fill(".mkdocs-embed__input", query)
    page.wait_for_function(
        "([q, mode]) => { const l = document.getElementById('mkdocs-embed-listbox');"
        " return l && l.dataset.query === q && l.dataset.mode === mode; }",
        arg=[query, mode],
        timeout=timeout,
    )
    options = page.query_selector_all(OPTION)
    return [a.get_attribute("href") for a in sorted(options, key=lambda a: int(a.get_attribute("data-rank")))]


def status(page) -> str:
    return page.inner_text(STATUS) if page.is_visible(STATUS) else ""
