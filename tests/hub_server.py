"""A local server with the Hugging Face hub's download API, for the hub path's tests.

It serves one folder as repo ``<org>/<name>`` at any revision.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@contextmanager
def serve_hub(repo_id: str, folder: Path) -> Iterator[str]:
    """Serve ``folder`` as ``repo_id``; yields the endpoint URL for HF_ENDPOINT.

    Answers the repo-info, tree-listing and ``resolve`` calls of huggingface_hub.
    """
    files = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def _answer(self, send_body: bool) -> None:
            requests.append(self.path)
            info = f"/api/models/{repo_id}/revision/"
            tree = f"/api/models/{repo_id}/tree/"
            resolve = f"/{repo_id}/resolve/"
            if self.path.startswith(tree):
                listing = [
                    {"type": "file", "path": name, "size": path.stat().st_size, "oid": hashlib.sha1(path.read_bytes()).hexdigest()}
                    for name, path in files.items()
                ]
                self._send(200, json.dumps(listing).encode(), {"Content-Type": "application/json"}, send_body)
            elif self.path.startswith(info):
                body = json.dumps({"id": repo_id, "sha": COMMIT, "siblings": [{"rfilename": f} for f in files]}).encode()
                self._send(200, body, {"Content-Type": "application/json"}, send_body)
            elif self.path.startswith(resolve):
                name = self.path[len(resolve):].split("/", 1)[1].split("?")[0]
                if name not in files:
                    self._send(404, b"not found", {"X-Error-Code": "EntryNotFound"}, send_body)
                    return
                data = files[name].read_bytes()
                headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha256(data).hexdigest()}"'}
                self._send(200, data, headers, send_body)
            else:
                self._send(404, b"{}", {}, send_body)

        def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
