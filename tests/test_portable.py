"""The plugin's own code has no POSIX-only module or call, so it loads and builds on Windows.

CI runs the suite on Windows and macOS too (.github/workflows/ci.yml); these
tests catch a POSIX-only call on Linux, before a Windows job would.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import mkdocs_embed

POSIX_ONLY_MODULES = ("fcntl", "resource", "termios", "pwd", "grp", "posix")
POSIX_ONLY_CALLS = ("fchmod", "fchown", "lchown", "getuid", "geteuid", "getgid", "fork", "killpg", "getpgid", "setsid")


def test_the_package_names_no_posix_only_module_or_call():
    found = []
    for path in sorted(Path(mkdocs_embed.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [f"{path.name}: import {a.name}" for a in node.names if a.name.split(".")[0] in POSIX_ONLY_MODULES]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_ONLY_MODULES:
                found.append(f"{path.name}: from {node.module} import")
            elif isinstance(node, ast.ImportFrom) and node.module == "os":
                found += [f"{path.name}: from os import {a.name}" for a in node.names if a.name in POSIX_ONLY_CALLS]
            elif isinstance(node, ast.Attribute) and node.attr in POSIX_ONLY_CALLS and getattr(node.value, "id", None) == "os":
                found.append(f"{path.name}: os.{node.attr}")
    assert not found, found


PROBE = textwrap.dedent("""
    import sys
    for name in {modules!r}:
        sys.modules[name] = None  # `import fcntl` now raises ImportError, as on Windows
    from mkdocs.__main__ import cli
    cli(["build", "-f", sys.argv[1], "--strict"])
""")


def test_a_build_runs_without_the_posix_only_modules(tmp_path: Path):
    project = tmp_path / "site"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text(
        "# Lighthouses\n\nA lighthouse keeper trims the lamp every evening and logs the weather at dawn.\n"
    )
    (project / "mkdocs.yml").write_text("site_name: portable\nplugins:\n  - embed\n")
    probe = PROBE.format(modules=("fcntl", "resource", "termios"))
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", probe, str(project / "mkdocs.yml")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "site" / "assets" / "mkdocs-embed" / "manifest.json").is_file()
