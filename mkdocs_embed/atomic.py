"""Atomic file writes and a cross-process lock.

A build can be killed at any instant; readers (the next build, a browser)
must then see either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import BinaryIO

import filelock

from .errors import EmbedError
from .log import log


def _file_mode() -> int:
    """What a plain ``open()`` would give: mkstemp's 0600 would hide assets from web servers."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _file_mode()


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    ``sync=False`` skips the fsync, for the many small content-named files of
    an index: a rename is still all or nothing, and a file that a power cut
    leaves short has the wrong size, which the next build checks and rewrites.
    """
    _replace_with(path, lambda fh: fh.write(data), sync)


def copy_atomic(source: Path, path: Path) -> None:
    """Copy the file ``source`` to ``path`` as :func:`write_atomic` writes, without holding it in memory."""
    def fill(fh: BinaryIO) -> None:
        with open(source, "rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)

    _replace_with(path, fill)


def link_or_copy(source: Path, path: Path) -> None:
    """Put ``source`` at ``path`` as a hard link, or as a copy where the filesystem refuses links.

    A link costs nothing whatever the file's size, so suits large files that
    nobody rewrites in place: a write through one name changes the other.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, tmp)
    except OSError:  # another filesystem, links forbidden or not supported: EXDEV, EPERM, EMLINK, ENOTSUP...
        copy_atomic(source, path)
        return
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise EmbedError(_describe_os_error(exc, path)) from exc
    finally:  # rename() leaves both names when they are links to one file already
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def remove_stale(folder: Path, stale: Callable[[str], bool], keep: Collection[str | None]) -> None:
    """Delete the entries of ``folder`` whose name ``stale`` accepts, but those named in ``keep``.

    What every writer of content-named files does once the new ones are in
    place: an earlier build's copies go, and another program's files (whose
    names ``stale`` does not accept) stay.
    """
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return
    for path in entries:
        if path.name in keep or not stale(path.name):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _replace_with(path: Path, fill: Callable[[BinaryIO], object], sync: bool = True) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise EmbedError(_describe_os_error(exc, path)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.chmod(tmp, _MODE)  # by name: os.fchmod is POSIX-only before Python 3.13
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise EmbedError(_describe_os_error(exc, path)) from exc
        raise


def _describe_os_error(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device while writing {path}; nothing was overwritten"
    if exc.errno in (errno.EFBIG, errno.EDQUOT):
        return f"cannot write {path}: {exc.strerror} (a file size limit or disk quota was reached); nothing was overwritten"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: {exc.strerror}"
    return f"cannot write {path}: {exc.strerror or exc}"


@contextlib.contextmanager
def locked(folder: Path, wait_s: float = 600.0) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that two builds never share a cache.

    filelock takes an OS lock (flock, or msvcrt on Windows) that dies with its process.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbedError(_describe_os_error(exc, folder)) from exc
    lock = filelock.FileLock(folder / ".lock")
    try:
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            log.info("embed: waiting for another build that uses %s", folder)
            lock.acquire(timeout=wait_s)
    except filelock.Timeout:
        raise EmbedError(f"another build has held {folder} for {wait_s:.0f} s; giving up") from None
    except OSError as exc:
        raise EmbedError(_describe_os_error(exc, folder / ".lock")) from exc
    try:
        yield
    finally:
        lock.release()
