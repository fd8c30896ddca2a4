"""Model files derived from the configured model once, cached by its fingerprint, and remembered when they fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..atomic import write_atomic
from ..log import log

_FAILED = ".failed"


def derive_once(target: Path, make: Callable[[], bytes], what: str) -> bool:
    """Make ``target`` with ``make()`` unless it is there; False (with one warning, ever) when it can't be made.

    A model that cannot be derived is remembered next to ``target``, so the
    warning and the wasted work happen once per model, not once per build. A
    missing library is not: the folder is shared by every project of the user
    (:mod:`..user_cache`), and installing the library must be enough.
    """
    failed = target.with_name(target.name + _FAILED)
    if target.exists():
        return True
    if failed.exists():
        return False
    try:
        data = make()
    except ImportError as exc:  # a library missing here, not a model that can't be derived: not remembered
        log.warning("embed: cannot %s (%s); using it as is until that is installed", what, exc)
        return False
    except Exception as exc:  # onnx, the optimisers and the checks raise many types; any means "use the original"
        log.warning("embed: cannot %s (%s); using it as is", what, exc)
        write_atomic(failed, str(exc).encode())
        return False
    write_atomic(target, data)
    return True
