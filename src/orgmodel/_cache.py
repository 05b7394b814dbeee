"""A cache of a validated timeline, beside the files it came from: reopened without checking it all again.

Building a timeline checks every event against the organisation it applies
to: a minute for two million events.  A cache keeps what that build made —
the changes, and the log's writes, versions, snapshots and links — so that
reopening it only reads them back.  The human-readable files stay the source
of truth; a cache is only ever a faster way back to what they say.

The file holds no code and nothing that runs: a line naming the format, a
line of JSON (the format version, where everything is, a digest of the
content and a signature), then columns of machine integers and JSON text
(see :mod:`orgmodel._packing`).  Reading it back makes only the library's
own classes.

It is checked before it is used:

* the **format version** and the **digest** (BLAKE2b) of everything after
  the header: a file that is cut short, altered or of another version is an
  error (:class:`~orgmodel.errors.CacheError`), never read as it is;
* the **signature**: a keyed BLAKE2b, with a key made once for each user and
  kept in the user's cache folder (``$XDG_CACHE_HOME/orgmodel/cache-key``,
  readable by the user only).  Only a cache this user's orgmodel wrote,
  after it had validated the timeline, is taken as it is.  Any other — made
  on another machine, or by hand — is read as changes only and validated in
  full, like a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import pathlib
import secrets
import threading
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from orgmodel import _atomic
from orgmodel._bulk import collector_paused
from orgmodel._cachedlog import CARRIED, categories_of, pack_log, unpack_changes, unpack_log
from orgmodel._log import SPLIT_AT
from orgmodel._packing import classes
from orgmodel.errors import CacheError, OrgModelError

if TYPE_CHECKING:
    from orgmodel._timeline import Timeline

T = TypeVar("T")

#: The first line of every cache file.
MAGIC = b"orgmodel-cache\n"
# 2: the latest days of windowed changes (window_ends), the tables read on first use; 3: versions' changes as integers.
#: The version of the layout below; a file of another version is refused.
VERSION = 3
#: What a cache file beside a source file is called: the source's name and this.
SUFFIX = ".orgcache"


def save_cache(timeline: Timeline, path: str | os.PathLike[str]) -> pathlib.Path:  # spelled out for the docs
    """Write ``timeline`` to a cache file that :func:`load_cache` reopens without validating it again.

    A cache sits beside the files the timeline came from, which stay the
    source of truth (``om.load(path, cache=True)`` keeps one up to date).
    Returns the path written.

    >>> import orgmodel as om, pathlib, tempfile
    >>> org = om.examples.nacka()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = om.save_cache(org, pathlib.Path(folder, "nacka.orgcache"))
    ...     om.load_cache(path) == org
    True
    """
    return _write(timeline, path, source=None)


def load_cache(path: str | os.PathLike[str], *, validate: bool = False) -> Timeline:
    """Reopen a timeline from a cache written by :func:`save_cache`.

    A cache this user's orgmodel wrote is read as it is: seconds for
    millions of events.  One it cannot vouch for (written elsewhere, or when
    ``validate`` is true) is read as changes and validated in full, like a
    file.  A damaged cache, or one of another format version, raises
    :class:`~orgmodel.errors.CacheError`: load the source file again.

    >>> import orgmodel as om, pathlib, tempfile
    >>> org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = om.save_cache(org, pathlib.Path(folder, "org.orgcache"))
    ...     again = om.load_cache(path)
    ...     checked = om.load_cache(path, validate=True)
    >>> again.at("2014-01-01").units["slk"].name, again == org == checked
    ('Stadsledningskontoret', True)
    """
    header, payload, checked = _read(path)
    trusted = not validate and _vouched_for(header)
    with collector_paused():
        return checked(lambda: _unpack(header, payload, trusted=trusted))


def cache_path(source: str | os.PathLike[str]) -> Path:
    """Where ``om.load(source, cache=True)`` keeps the cache of ``source``: beside it, named after it.

    >>> cache_path("data/kommun.yaml").as_posix()
    'data/kommun.yaml.orgcache'
    """
    path = Path(source)
    return path.with_name(path.name + SUFFIX)


def load_through_cache(data: bytes, cache: str | os.PathLike[str], load_data: Callable[[], Timeline]) -> Timeline:
    """The timeline in a file's bytes ``data``, from the cache ``cache`` when it was made from the same bytes.

    The cache is used only when it was made from exactly these bytes, its
    checks pass and this user's orgmodel wrote it; otherwise the file is
    loaded with ``load_data`` (validated in full: the file, not the cache, is
    the source of truth) and the cache written again (a cache that cannot
    be written is warned about: the timeline is fine).
    """
    digest = _source_digest(data)
    with contextlib.suppress(CacheError, OSError):
        header, payload, checked = _read(cache)
        if header.get("source") == digest and _vouched_for(header):
            with collector_paused():
                return checked(lambda: _unpack(header, payload, trusted=True))
    timeline = load_data()
    try:
        _write(timeline, cache, source=digest)
    except (OSError, CacheError) as error:
        warnings.warn(f"could not write the cache {os.fspath(cache)}: {error}", stacklevel=3)
    return timeline


def _write(timeline: Timeline, path: str | os.PathLike[str], *, source: str | None) -> Path:
    """Write the cache of ``timeline``, made from the source file whose digest is ``source``."""
    with collector_paused():
        header, payload = _pack(timeline)
    header["source"] = source
    key = _user_key(create=True)
    header["signature"] = _sign(header, key) if key is not None else None
    line = json.dumps(header, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return _atomic.replace_file(path, b"".join((MAGIC, line, b"\n", payload)))


def _source_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


# --- the signature --------------------------------------------------------------------------------------


def _key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "orgmodel", "cache-key")


def _user_key(*, create: bool) -> bytes | None:
    """This user's key for signing caches (made when ``create`` and missing); ``None`` when there is none."""
    path = _key_path()
    for _ in range(2):
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            if not create:
                return None
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process made it meanwhile: read theirs
            except OSError:
                return None
            with os.fdopen(descriptor, "wb") as file:
                file.write(secrets.token_bytes(32))
            continue
        except OSError:
            return None
        return key if len(key) == 32 else None
    return None


def _signed_part(header: Mapping[str, Any]) -> bytes:
    """Everything in the header but the signature, in one canonical form (it holds the payload's digest)."""
    content = {name: value for name, value in header.items() if name != "signature"}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _sign(header: Mapping[str, Any], key: bytes) -> str:
    return hashlib.blake2b(_signed_part(header), key=key, digest_size=32).hexdigest()


def _vouched_for(header: Mapping[str, Any]) -> bool:
    """Whether this user's orgmodel wrote the cache, for the structures of this version of the library."""
    signature = header.get("signature")
    key = _user_key(create=False)
    if not isinstance(signature, str) or not signature.isascii() or key is None:
        return False
    return hmac.compare_digest(signature, _sign(header, key)) and header.get("structure") == _structure()


def _structure() -> str:
    """A digest of the shapes a trusted cache relies on: every class's fields, and the log's tables."""
    shapes = {name: [field.name for field in attrs.fields(cls)] for name, cls in classes().items() if attrs.has(cls)}
    described = json.dumps([VERSION, shapes, sorted(CARRIED), SPLIT_AT], sort_keys=True)
    return hashlib.blake2b(described.encode("utf-8"), digest_size=16).hexdigest()


# --- the file -------------------------------------------------------------------------------------------


def _read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], memoryview, _Checked]:
    """The header and the payload of a cache file, its format version checked, and what checks its digest.

    The digest of a large file takes a second or more; it is worked out in a
    thread (hashlib lets go of the interpreter meanwhile) while the payload
    is read, and a timeline read from it is handed back only once it matches.
    """
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CacheError(f"{name}: cannot read the cache: {error.strerror or error}") from None
    if not data.startswith(MAGIC):
        raise CacheError(f"{name} is not an orgmodel cache")
    end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC) : end]) if end > 0 else None
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise CacheError(f"{name}: the cache's header is damaged; load the source file again to rewrite it")
    if header.get("format") != VERSION:
        raise CacheError(
            f"{name} is a cache of format {header.get('format')!r}, and this version of orgmodel reads format "
            f"{VERSION}; load the source file again to rewrite it"
        )
    payload = memoryview(data)[end + 1 :]
    digest = header.get("digest")
    if len(payload) != header.get("length") or not isinstance(digest, str) or not digest.isascii():
        raise CacheError(f"{name}: the cache is cut short; load the source file again to rewrite it")
    return header, payload, _Checked(name, payload, digest)


class _Checked:
    """The digest of a cache's payload, worked out in a thread; :meth:`__call__` hands back a read once it matches."""

    def __init__(self, name: str, payload: memoryview, expected: str) -> None:
        self.name = name
        self.expected = expected
        self.found: list[str] = []
        self.thread = threading.Thread(
            target=lambda: self.found.append(hashlib.blake2b(payload, digest_size=32).hexdigest()),
            name="orgmodel cache digest",
            daemon=True,
        )
        self.thread.start()

    def __call__(self, read: Callable[[], T]) -> T:
        """What ``read`` gives, once the digest matches (a damaged file is reported as such, whatever ``read`` met)."""
        try:
            result = read()
        except BaseException:
            self._check()
            raise
        self._check()
        return result

    def _check(self) -> None:
        self.thread.join()
        if not self.found or not hmac.compare_digest(self.expected, self.found[0]):
            raise CacheError(f"{self.name}: the cache's content does not match its digest; load the source file again")


# --- packing a timeline ---------------------------------------------------------------------------------


def _pack(timeline: Timeline) -> tuple[dict[str, Any], bytes]:
    """The header (all but its source and signature) and the payload of a timeline's cache."""
    import orgmodel

    log = timeline._log
    described, payload = pack_log(log)
    header = {
        "format": VERSION,
        "orgmodel": orgmodel.__version__,
        "structure": _structure(),
        "summary": {"changes": len(log.changes), "events": len(log.events), "writes": len(log.deltas)},
        **described,
        "length": len(payload),
        "digest": hashlib.blake2b(payload, digest_size=32).hexdigest(),
    }
    return header, payload


def _unpack(header: Mapping[str, Any], payload: memoryview, *, trusted: bool) -> Timeline:
    """The timeline in a checked cache: as it was when ``trusted``, else built again from its changes."""
    from orgmodel._timeline import Timeline

    try:
        if not trusted:
            changes, categories = unpack_changes(header, payload, trusted=False), categories_of(header)
        else:
            timeline = Timeline.__new__(Timeline)
            timeline._log = unpack_log(header, payload)
            return timeline
    except OrgModelError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        raise CacheError(f"the cache is damaged: {type(error).__name__}: {error}") from None
    # Outside the guard above: what validation finds wrong is reported as it would be for a file.
    return Timeline(changes, categories=categories)
