"""A real `mkdocs build` of the example site, then search from the terminal."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from mkdocs_embed.format.base import decompress
from mkdocs_embed.format.manifest import FORMAT_VERSION
from mkdocs_embed.format.vectors import decode_keys
from mkdocs_embed.layout import ASSET_DIR
from mkdocs_embed.search.reader import load_index
from mkdocs_embed.store.cache import decode_pack

# Paraphrased questions: none repeats its target's heading.
QUESTIONS = [
    ("where are the vectors stored between builds and can I delete that folder", "configuration/#cache_dir"),
    ("what happens if the build process gets killed in the middle", "troubleshooting/#a-build-was-killed-half-way"),
    ("the installed weights don't match the expected hash", "troubleshooting/#the-model-file-fails-its-checksum"),
    ("how much would this cost with OpenAI embeddings", "performance/#the-cost-line"),
    ("change the keyboard key that opens search", "configuration/#shortcut"),
    ("index a Sphinx project's html output", "guides/standalone/#sphinx"),
    ("fail the pipeline when search quality drops", "guides/evaluating-search/#guarding-search-quality-in-ci"),
    ("does typing a query send anything to a server", "faq/#does-search-send-my-readers-queries-anywhere"),
]


def query(site, question: str, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_embed.cli", "query", str(site), question, *args],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def keys_of(site) -> list[bytes]:
    """The deployed cache key of every chunk, by chunk id."""
    index = load_index(site)
    name = index.manifest["files"]["keys"]
    return decode_keys(decompress((index.folder / name).read_bytes(), name), index.manifest["counts"]["chunks"])


def test_build_writes_the_index_and_logs_a_summary(example_project):
    log = example_project.build_log
    match = re.search(r"embed: embedded ([\d,]+) chunks, reused ([\d,]+), dropped ([\d,]+)", log)
    assert match, log
    assert int(match.group(1).replace(",", "")) > 100 and match.group(2) == "0"
    assert re.search(r"embed: [\d,]+ tokens embedded in [\d.]+ s; on a hosted API at \$0.02 per million", log)
    manifest = json.loads((example_project.site / ASSET_DIR / "manifest.json").read_text())
    assert manifest["format"] == FORMAT_VERSION and manifest["model"]["dims"] == 384
    assert manifest["counts"]["pages"] >= 15
    for name in load_index(example_project.site).files:
        assert (example_project.site / ASSET_DIR / name).is_file()
    assert (example_project.site / ASSET_DIR / manifest["model"]["onnx"]).is_file()


def test_index_is_compact(example_project):
    manifest = json.loads((example_project.site / ASSET_DIR / "manifest.json").read_text())
    sizes = manifest["bytes"]
    index = load_index(example_project.site)
    fragments = sum((index.folder / name).stat().st_size for name in index.files if name.startswith("fragments."))
    per_chunk = (sizes["pages"] + fragments + sizes["vectors"] + sizes["graph"]) / manifest["counts"]["chunks"]
    assert per_chunk <= 600, f"{per_chunk:.0f} bytes per chunk"


@pytest.mark.parametrize("question,expected", QUESTIONS)
def test_query_finds_the_section_for_a_paraphrased_question(example_project, question, expected):
    lines = query(example_project.site, question, "-k", "3")
    assert any(line.split()[1] == expected for line in lines), "\n".join(lines)


def test_query_output_is_url_path_and_score(example_project):
    first = query(example_project.site, "install with pip", "-k", "1")[0]
    score, href, path = first.split("  ", 2)
    assert float(score) > 0 and "/" in href and path


def test_excluded_content_stays_out(example_project):
    index = load_index(example_project.site)
    texts = " ".join(index.chunks["chunks"]["text"])
    assert "quartermaster counts seventeen lanterns" not in texts


def test_rebuild_after_editing_one_paragraph_embeds_only_that_section(example_project, tmp_path):
    project = example_project.copy(tmp_path / "edited")
    before_keys = keys_of(project.site)
    page = project.root / "docs" / "configuration.md"
    text = page.read_text()
    anchor_paragraph = "Where vectors from earlier builds are kept"
    assert anchor_paragraph in text
    page.write_text(text.replace(anchor_paragraph, "On disk, where vectors from earlier builds are kept", 1))
    pack_before = dict(zip(*decode_pack((project.cache / "vectors.bin").read_bytes())))

    log = project.build()

    after = load_index(project.site).chunks
    old_keys = set(before_keys)
    changed = [i for i, key in enumerate(keys_of(project.site)) if key not in old_keys]
    assert changed and {after["chunks"]["anchor"][i] for i in changed} == {"cache_dir"}
    assert f"embed: embedded {len(changed)} chunks" in log
    pack_after = dict(zip(*decode_pack((project.cache / "vectors.bin").read_bytes())))
    unchanged = [k for k in pack_after if k in pack_before]
    assert len(unchanged) == len(pack_after) - len(changed)
    assert all(pack_after[k].tobytes() == pack_before[k].tobytes() for k in unchanged)


def test_deleted_page_drops_out(example_project, tmp_path):
    project = example_project.copy(tmp_path / "deleted")
    (project.root / "docs" / "changelog.md").unlink()
    mkdocs_yml = project.root / "mkdocs.yml"
    mkdocs_yml.write_text("\n".join(l for l in mkdocs_yml.read_text().splitlines() if "changelog.md" not in l))
    log = project.build()
    assert re.search(r"embedded 0 chunks, reused [\d,]+, dropped [1-9]", log), log
    assert "changelog/" not in load_index(project.site).chunks["pages"]["url"]


def test_changed_model_settings_invalidate_the_cache(example_project, tmp_path):
    project = example_project.copy(tmp_path / "prefix")
    mkdocs_yml = project.root / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace("  - embed", "  - embed:\n      passage_prefix: 'passage: '"))
    log = project.build()
    assert "the model changed since the last build" in log
    assert "reused 0," in log
