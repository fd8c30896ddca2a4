"""Material for MkDocs with its own search plugin on: exclusions must survive it."""

from __future__ import annotations

import textwrap

from mkdocs_embed.search.reader import load_index
from tests.conftest import Project


def _write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_material_with_search_plugin_keeps_exclusions(tmp_path):
    root = tmp_path / "site-src"
    _write(root, "mkdocs.yml", """\
        site_name: Lanterns
        theme: {name: material}
        markdown_extensions: [attr_list, md_in_html]
        plugins:
          - search
          - embed
        """)
    _write(root, "docs/index.md", """\
        # Lanterns

        ## Lighting

        Light each lantern at dusk with a long match and trim the wick so the flame stays low.

        <div markdown data-search-exclude>
        The quartermaster counts seventeen lanterns in the storeroom every night.
        </div>
        """)
    _write(root, "docs/drafts.md", """\
        ---
        search:
          exclude: true
        ---
        # Drafts

        Unfinished notes about the harbour beacon that nobody should find yet.
        """)
    project = Project(root)
    project.build()
    index = load_index(project.site)
    text = " ".join(index.chunks["chunks"]["text"])
    assert "trim the wick" in text
    assert "quartermaster" not in text
    assert "drafts/" not in index.chunks["pages"]["url"]
    assert "harbour beacon" not in text
