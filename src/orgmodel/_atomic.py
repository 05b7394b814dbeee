"""Replacing a file atomically: readers see the old version or the new one, never a mix.

The new bytes go to a temporary file beside the target (same folder, so the
same file system), are flushed to disk, and then renamed over the target in
one step.  Whatever stops the process — an exception, Ctrl-C, ``kill -9``, a
full disk — the target is whole: the old version until the rename, the new
one after it.

Three things a plain "write a temp file and rename it" gets wrong, done
right here:

* **Symlinks are followed.**  Renaming over a link would replace the link
  with a regular file and leave the file it points to untouched; the real
  target is resolved first, and the temporary file goes beside *it*.
* **The mode is kept.**  An existing file keeps its permission bits (and,
  where the process may, its owner and group); a new file gets the mode the
  umask gives any new file, as drawings do.
* **Stale temporary files are removed.**  A process killed between creating
  its temporary file and the rename leaves ``.NAME.XXXX.tmp`` behind.  Every
  save holds an exclusive ``flock`` on its temporary file until the rename,
  and the kernel drops the lock when the process dies, so the next save of
  the same target removes every such file whose lock it can take: those are
  abandoned, never a concurrent save's work in progress.  (Where ``fcntl``
  does not exist, files older than an hour are taken as abandoned.)
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock
    fcntl = None  # type: ignore[assignment]

#: Without ``fcntl``, a temporary file untouched for this long is taken as abandoned.
ABANDONED_AFTER_SECONDS = 3600.0


def replace_file(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the file written (the link's target for a symlink).

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = pathlib.Path(folder, "org.yaml")
    ...     _ = replace_file(target, b"events: []\\n")
    ...     sorted(p.name for p in pathlib.Path(folder).iterdir()), target.read_bytes()
    (['org.yaml'], b'events: []\\n')
    """
    target = Path(os.path.realpath(path))
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    remove_abandoned(target)
    temporary, descriptor = _create_temporary(target)
    try:
        try:
            if existing is not None:
                _keep_owner_and_mode(descriptor, temporary, existing)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
    finally:
        os.close(descriptor)  # only now: the lock says "in progress" until the rename is done
    _sync_folder(target.parent)
    return target


def temporary_files(target: Path) -> list[Path]:
    """The temporary files saving ``target`` makes (or made and left behind), in its folder."""
    prefix, found = f".{target.name}.", []
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        found = [Path(entry.path) for entry in entries if entry.name.startswith(prefix) and entry.name.endswith(".tmp")]
    return found


def remove_abandoned(target: Path) -> None:
    """Remove the temporary files beside ``target`` that no running save is writing."""
    for candidate in temporary_files(target):
        with contextlib.suppress(OSError):
            _remove_if_abandoned(candidate)


def _remove_if_abandoned(candidate: Path) -> None:
    if not stat.S_ISREG(os.lstat(candidate).st_mode):
        return  # not one of ours: leave links and folders alone
    if fcntl is None:  # pragma: no cover - Windows
        if time.time() - os.lstat(candidate).st_mtime > ABANDONED_AFTER_SECONDS:
            candidate.unlink()
        return
    descriptor = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a save is writing it
        # Holding the lock, check the name still means the file locked: the save
        # may have renamed it into place between our open and our lock.
        if _same_file(candidate, descriptor):
            candidate.unlink()
    finally:
        os.close(descriptor)


def _create_temporary(target: Path) -> tuple[Path, int]:
    """A new, locked, empty temporary file beside ``target``, and its descriptor."""
    # Mode 0o666 lets the umask decide the permissions, as for any new file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            descriptor = os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue
        if fcntl is None:  # pragma: no cover - Windows
            return temporary, descriptor
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        # Between the open and the lock another save could have taken the file
        # for abandoned and removed it: then start again with a new name.
        if _same_file(temporary, descriptor):
            return temporary, descriptor
        os.close(descriptor)


def _same_file(path: Path, descriptor: int) -> bool:
    try:
        on_disk = os.lstat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def _keep_owner_and_mode(descriptor: int, temporary: Path, existing: os.stat_result) -> None:
    if hasattr(os, "fchown"):
        # Only a privileged process may give a file away; others keep what they can.
        with contextlib.suppress(OSError):
            os.fchown(descriptor, existing.st_uid, existing.st_gid)
    mode = stat.S_IMODE(existing.st_mode)
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, mode)
    else:  # pragma: no cover - Windows
        os.chmod(temporary, mode)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where folders cannot be opened, the rename is still atomic."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
