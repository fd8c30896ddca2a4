"""The plugin's whole path runs without POSIX-only modules and calls, as on Windows.

CI runs the suite on Windows and macOS too (.github/workflows/ci.yml); this
test catches a POSIX-only call on Linux, before a Windows job would.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


POSIX_ONLY_MODULES = ("fcntl", "resource", "termios", "pwd", "grp")
POSIX_ONLY_CALLS = ("fchmod", "fchown", "lchown", "getuid", "geteuid", "getgid", "fork", "killpg", "getpgid")

PROBE = textwrap.dedent("""
    import os, sys
    for name in {modules!r}:
        sys.modules[name] = None  # `import fcntl` now raises ImportError, as on Windows
    for name in {calls!r}:
        if hasattr(os, name):
            delattr(os, name)
    from mkdocs.__main__ import cli
    cli(["build", "-f", sys.argv[1], "--strict"])
""")


def test_a_build_needs_no_posix_only_module_or_call(tmp_path: Path):
    project = tmp_path / "site"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text(
        "# Lighthouses\n\nA lighthouse keeper trims the lamp every evening and logs the weather at dawn.\n"
    )
    (project / "mkdocs.yml").write_text("site_name: portable\nplugins:\n  - embed\n")
    probe = PROBE.format(modules=POSIX_ONLY_MODULES, calls=POSIX_ONLY_CALLS)
    result = subprocess.run([sys.executable, "-c", probe, str(project / "mkdocs.yml")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "site" / "assets" / "mkdocs-embed" / "manifest.json").is_file()
