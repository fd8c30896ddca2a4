"""The index format's Python side, one module per file kind; the spec is ``example-site/docs/reference/index-format.md``.

* :mod:`.base`: what every file shares (naming, zstd, JSON, :class:`.base.FormatError`);
* :mod:`.manifest`: ``manifest.json``, which names the others, and the format version;
* :mod:`.pages`: the ``pages`` file and the per-page ``fragments``;
* :mod:`.vectors`: the ``vectors`` and ``keys`` files;
* :mod:`.graph`: the ``graph`` file;
* :mod:`.lexical`: the ``lexical`` head and its ``postings`` files.

``js/src/core/format/`` has a module of the same name for each.
"""
