"""Where the index lives in a built site, for the modules that must not import numpy.

The plugin and the page collector import them from here, not from
:mod:`.format`, so that a rebuild with nothing to do (see
:mod:`.last_build`) never loads numpy and zstandard.
"""

ASSET_DIR = "assets/mkdocs-embed"
MANIFEST = "manifest.json"
WIDGET_BEGIN, WIDGET_END = "<!-- mkdocs-embed -->", "<!-- /mkdocs-embed -->"
"""What encloses the tags the widget puts into each page."""
