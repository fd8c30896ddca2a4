"""Put the browser widget into a built site: its files, and its tags in each page.

The bundle (built from ``js/`` by ``npm run build``) ships in the package's
``assets/`` folder; ``bundle.json`` there lists its files. In the site they get
content-hashed names, like the index files, so hosts may cache them forever.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import remove_stale
from ..errors import EmbedError
from ..filehash import file_sha256
from ..layout import ASSET_DIR, WIDGET_BEGIN, WIDGET_END
from .shipped import place
from .strings import widget_strings

BUNDLE_DIR = Path(__file__).resolve().parent.parent / "assets"
RUNTIME_FILE = "ort-wasm-simd-threaded.wasm"
CONFIG_ID = "mkdocs-embed-config"
STEMMER_PREFIX = "stem-"
_BLOCK = re.compile(re.escape(WIDGET_BEGIN) + ".*?" + re.escape(WIDGET_END), re.DOTALL)


@dataclass(frozen=True)
class WidgetOptions:
    """What the site author can set about the widget."""

    placeholder: str | None = None
    """The search box's hint; None: the site language's (``strings`` may set it too, and wins)."""
    language: str | None = None
    """The site's language tag (``theme.language``), which picks the widget's strings; None: English."""
    strings: Mapping[str, str] = field(default_factory=dict)
    """The site's own words for any of :data:`.strings.ENGLISH`'s keys."""
    shortcut: str = "/"
    runtime_url: str | None = None
    """Base URL holding ``ort-wasm-simd-threaded.wasm`` (of the bundled onnxruntime-web version), instead of the site's copy."""
    model_url: str | None = None
    """Base URL holding the model and tokenizer, instead of the site's copy."""


def _bundle_files(bundle_dir: Path) -> list[str]:
    listing = bundle_dir / "bundle.json"
    try:
        files = json.loads(listing.read_text("utf-8"))["files"]
    except FileNotFoundError:
        raise EmbedError(
            f"the search widget is not built ({listing} is missing): run `npm ci && npm run build` in js/, "
            "or reinstall mkdocs-embed from a wheel; set `widget: false` to write the index alone"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EmbedError(f"the widget bundle listing {listing} is damaged ({exc}); rebuild it with `npm run build` in js/") from exc
    missing = [f for f in files if not (bundle_dir / f).is_file()]
    if missing:
        raise EmbedError(f"the widget bundle in {bundle_dir} lacks {', '.join(missing)}; rebuild it with `npm run build` in js/")
    return files


def _hashed(name: str, sha256: str) -> str:
    """``widget.js`` → ``widget.<12 hex>.js``, the index format's naming."""
    stem, dot, ext = name.partition(".")
    return f"{stem}.{sha256[:12]}{dot}{ext}"


def install_widget(
    out_dir: Path, include_runtime: bool = True, bundle_dir: Path = BUNDLE_DIR, cache_dir: Path | None = None,
    stemmer: str = "english",
) -> dict[str, str]:
    """Put the bundle into ``out_dir`` (``site/assets/mkdocs-embed/``) under hashed names.

    Returns logical name → file name, which :func:`head_tags` needs. With
    ``include_runtime=False`` (the runtime is loaded from ``runtime_url``) the
    14 MB onnxruntime wasm is left out. Files are hard links to copies in
    ``cache_dir`` where it is given (see :mod:`.shipped`), else copies. Older
    copies of the same files go, so re-indexing a site does not pile them up.
    Of the stemmers (``stem-<language>.js``; widget.js bundles English's),
    only that of ``stemmer``, the index's Snowball language, goes in.
    """
    out_dir = Path(out_dir)
    names: dict[str, str] = {}
    for logical in _bundle_files(bundle_dir):
        if logical == RUNTIME_FILE and not include_runtime:
            continue
        if logical.startswith(STEMMER_PREFIX) and logical != f"{STEMMER_PREFIX}{stemmer}.js":
            continue
        source = bundle_dir / logical
        name = _hashed(logical, file_sha256(source))
        if not (out_dir / name).is_file():
            place(source, out_dir / name, cache_dir)
        _remove_older(out_dir, logical, keep=name)
        names[logical] = name
    return names


def _remove_older(out_dir: Path, logical: str, keep: str) -> None:
    stem, _, ext = logical.partition(".")
    remove_stale(out_dir, re.compile(re.escape(stem) + r"\.[0-9a-f]{12}\." + re.escape(ext)).fullmatch, keep={keep})


def _root_relative(page_url: str) -> str:
    """The site root as seen from a page: ``a/b/`` → ``../../``, ``x.html`` → ``./``."""
    depth = page_url.lstrip("/").count("/")
    return "../" * depth or "./"


def _script_json(value: object) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def head_tags(page_url: str, files: dict[str, str], options: WidgetOptions) -> str:
    """The stylesheet, boot config and deferred script for one page, with page-relative URLs.

    The boot config is the contract with ``js/src/ui/config.ts``: ``assets`` and
    ``root`` relative to the page, ``files`` (logical → hashed name), the
    widget's ``strings`` in the site's language, and the options in snake case.
    """
    root = _root_relative(page_url)
    placeholder = {"placeholder": options.placeholder} if options.placeholder else {}
    assets = ("" if root == "./" else root) + ASSET_DIR + "/"
    config = {
        "assets": assets,
        "root": root,
        "files": files,
        "strings": widget_strings(options.language, {**placeholder, **options.strings}),
        "shortcut": options.shortcut,
        "runtime_url": options.runtime_url,
        "model_url": options.model_url,
    }
    href = lambda logical: html.escape(assets + files[logical], quote=True)  # noqa: E731
    return (
        f"{WIDGET_BEGIN}"
        f'<link rel="stylesheet" href="{href("widget.css")}">'
        f'<script type="application/json" id="{CONFIG_ID}">{_script_json(config)}</script>'
        f'<script defer src="{href("widget.js")}"></script>'
        f"{WIDGET_END}"
    )


def inject(html_text: str, tags: str) -> str:
    """Put ``tags`` before ``</head>`` (else after ``<body>``, else at the end).

    Idempotent: a block this module injected earlier is replaced, not repeated,
    so indexing a site twice, or after an upgrade, leaves one current copy.
    """
    if WIDGET_BEGIN in html_text:
        html_text = _BLOCK.sub("", html_text)
    if tags in html_text:
        return html_text
    head = re.search(r"</head\s*>", html_text, re.IGNORECASE)
    if head:
        return html_text[: head.start()] + tags + html_text[head.start() :]
    body = re.search(r"<body\b[^>]*>", html_text, re.IGNORECASE)
    if body:
        return html_text[: body.end()] + tags + html_text[body.end() :]
    return html_text + tags
