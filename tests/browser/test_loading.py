"""When the semantic half loads, and what a returning reader downloads again (docs: performance.md, "Cache headers")."""

from __future__ import annotations

import functools
import http.server
import re
import threading

from .conftest import CHROMIUM, CHROMIUM_ARGS, _Handler
from .helpers import search

HEAVY = re.compile(r"/(model\.[0-9a-f]{12}\.onnx|tokenizer\.[0-9a-f]{12}\.json|ort-wasm-simd-threaded\.[0-9a-f]{12}\.wasm)$")
DENSE = re.compile(r"/(vectors\.[0-9a-f]{12}\.i8\.zst|graph\.[0-9a-f]{12}\.bin\.zst)$")
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9.]+$")


def test_model_runtime_vectors_and_graph_start_downloading_on_hover_before_the_dialog_opens(build_site, serve, browser_page):
    w = browser_page()
    heavy: list[str] = []
    dense: list[str] = []
    w.page.on("request", lambda r: HEAVY.search(r.url) and heavy.append(r.url))
    w.page.on("request", lambda r: DENSE.search(r.url) and dense.append(r.url))
    w.page.goto(serve(build_site("mkdocs")))
    w.page.wait_for_timeout(300)
    assert heavy == dense == [], "nothing heavy on page view"
    w.page.hover("[data-mkdocs-embed-trigger]")
    w.page.wait_for_timeout(1000)  # under DENSE_DELAY_MS: the downloads don't wait for compiling's turn
    assert not w.page.is_visible(".mkdocs-embed__dialog")
    assert sorted(HEAVY.search(url).group(1).split(".")[0] for url in heavy) == ["model", "ort-wasm-simd-threaded", "tokenizer"]
    assert sorted(DENSE.search(url).group(1).split(".")[0] for url in dense) == ["graph", "vectors"]
    assert w.errors() == []


class _Caching(_Handler):
    """A static host configured as the docs advise: hashed names cached for a year, everything else revalidated."""

    served: list[tuple[str, int]]

    def end_headers(self) -> None:
        immutable = HASHED.search(self.path.split("?")[0])
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
        super().end_headers()

    def log_request(self, code="-", size="-") -> None:
        self.served.append((self.path, int(code) if str(code).isdigit() else 0))


def test_a_returning_reader_downloads_no_model_bytes(build_site, chromium, tmp_path):
    served: list[tuple[str, int]] = []
    handler = type("Handler", (_Caching,), {"served": served})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(build_site("mkdocs"))))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        # A profile on disk, as a reader's browser has: an in-memory cache (a fresh context's) keeps no 14 MB entry.
        context = chromium.browser_type.launch_persistent_context(tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        for visit in ("first", "second"):
            page.goto(base)
            page.keyboard.press("/")
            search(page, "how do I install it")
            heavy = [(path, code) for path, code in served if HEAVY.search(path)]
            if visit == "first":
                assert [code for _, code in heavy] == [200] * 3, served
                served.clear()
            else:  # not even a revalidation (a 304) for the model's files
                assert heavy == [], f"requested again on the second visit: {heavy}"
                assert any(path.endswith("/manifest.json") for path, _ in served), "the manifest is revalidated"
        assert errors == []
        context.close()
    finally:
        server.shutdown()
        server.server_close()
