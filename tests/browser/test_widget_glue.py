"""mkdocs_embed/emit/widget.py without a browser: files, tags, injection.

(Lives with the browser tests because it is the other half of the same contract.)
"""

from __future__ import annotations

import json
import re

import pytest

from mkdocs_embed.emit.widget import WidgetOptions, head_tags, inject, install_widget
from mkdocs_embed.errors import EmbedError

FILES = {"widget.js": "widget.0123456789ab.js", "widget.css": "widget.ba9876543210.css", "worker.js": "worker.aaaaaaaaaaaa.js"}


def _config(tags: str) -> dict:
    return json.loads(re.search(r'id="mkdocs-embed-config">(.*?)</script>', tags).group(1))


@pytest.mark.parametrize(
    ("page_url", "root"),
    [("", "./"), ("index.html", "./"), ("x.html", "./"), ("a/", "../"), ("a/b/", "../../"), ("a/x.html", "../")],
)
def test_urls_are_relative_to_the_page(page_url, root):
    tags = head_tags(page_url, FILES, WidgetOptions())
    config = _config(tags)
    assert config["root"] == root
    prefix = "" if root == "./" else root
    assert config["assets"] == prefix + "assets/mkdocs-embed/"
    assert f'src="{prefix}assets/mkdocs-embed/widget.0123456789ab.js"' in tags
    assert f'href="{prefix}assets/mkdocs-embed/widget.ba9876543210.css"' in tags
    assert "<script defer" in tags


def test_options_cannot_break_out_of_the_config_script():
    evil = '</script><script>alert(1)</script>\u2028&'
    tags = head_tags("", FILES, WidgetOptions(placeholder=evil, model_url="https://m.example/x/"))
    assert tags.count("</script>") == 2  # the config's own and the widget script's
    config = _config(tags)
    assert config["strings"]["placeholder"] == evil and config["model_url"] == "https://m.example/x/"
    assert config["shortcut"] == "/" and config["runtime_url"] is None and config["files"] == FILES


def test_inject_before_head_end_once_and_replaces_an_older_block():
    html = "<html><head><title>t</title></head><body>x</body></html>"
    tags = head_tags("", FILES, WidgetOptions())
    once = inject(html, tags)
    assert once.index(tags) < once.index("</head>")
    assert inject(once, tags) == once
    newer = head_tags("", {**FILES, "widget.js": "widget.ffffffffffff.js"}, WidgetOptions())
    again = inject(once, newer)
    assert again.count("mkdocs-embed-config") == 1 and "widget.ffffffffffff.js" in again


def test_inject_without_head():
    tags = head_tags("", FILES, WidgetOptions())
    assert inject("<body class=a><p>x</p></body>", tags).startswith("<body class=a>" + tags)
    assert inject("<p>x</p>", tags) == "<p>x</p>" + tags


def test_install_copies_hashed_files_and_drops_older_copies(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for name in ("widget.js", "widget.css", "worker.js", "ort-wasm-simd-threaded.wasm"):
        (bundle / name).write_text(name)
    (bundle / "bundle.json").write_text(json.dumps({"files": ["widget.js", "widget.css", "worker.js", "ort-wasm-simd-threaded.wasm"]}))
    out = tmp_path / "site" / "assets" / "mkdocs-embed"
    out.mkdir(parents=True)
    (out / "widget.000000000000.js").write_text("old")
    (out / "chunks.000000000000.json.zst").write_text("index file, not ours")
    names = install_widget(out, bundle_dir=bundle)
    assert set(names) == {"widget.js", "widget.css", "worker.js", "ort-wasm-simd-threaded.wasm"}
    assert all(re.fullmatch(r"[a-z-]+\.[0-9a-f]{12}\.(js|css|wasm)", n) for n in names.values())
    assert (out / names["widget.js"]).read_text() == "widget.js"
    assert not (out / "widget.000000000000.js").exists() and (out / "chunks.000000000000.json.zst").exists()
    assert "ort-wasm-simd-threaded.wasm" not in install_widget(out, include_runtime=False, bundle_dir=bundle)


def test_install_without_a_built_bundle_says_how_to_build_it(tmp_path):
    with pytest.raises(EmbedError, match="npm run build"):
        install_widget(tmp_path / "out", bundle_dir=tmp_path / "nothing")
