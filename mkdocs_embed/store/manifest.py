"""The last build's manifest: which chunks each page had, under which model.

It lets a build explain itself ("model changed: re-embedding everything")
and count the chunks that dropped out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from ..log import log

FORMAT = 1


@dataclass
class BuildManifest:
    model_fingerprint: str = ""
    model_name: str = ""
    chunk_fingerprint: str = ""
    pages: dict[str, list[str]] = field(default_factory=dict)
    """Page URL to the hex keys of its chunks, in order."""

    @classmethod
    def load(cls, path: Path) -> BuildManifest | None:
        """The manifest at ``path``, or None when there is none or it is damaged."""
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError(f"format {raw.get('format')!r}")
            return cls(
                model_fingerprint=str(raw["model"]["fingerprint"]),
                model_name=str(raw["model"]["name"]),
                chunk_fingerprint=str(raw["chunker"]),
                pages={str(k): [str(x) for x in v] for k, v in raw["pages"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("embed: ignoring unreadable build manifest %s (%s)", path, exc)
            return None

    def save(self, path: Path) -> None:
        data = {
            "format": FORMAT,
            "model": {"name": self.model_name, "fingerprint": self.model_fingerprint},
            "chunker": self.chunk_fingerprint,
            "pages": self.pages,
        }
        write_atomic(path, json.dumps(data, indent=1, sort_keys=True).encode())

    def keys(self) -> set[str]:
        return {key for keys in self.pages.values() for key in keys}
