"""The process that runs Graphviz for orgmodel: a script, run by path, that imports nothing of orgmodel.

Graphviz lays a graph out in C, for minutes on a large one, and does not
return to Python until it is done: a Ctrl-C cannot stop it in the process
that called it.  So orgmodel sends each drawing to this process, waits for
the answer in a way Ctrl-C can interrupt, and stops it by ending the process
(see ``_engine.py``).  A crash inside Graphviz ends this process, not the
user's Python or notebook kernel.

The protocol, over standard input and output, all integers big-endian:

- the worker sends ``b"R"`` once pygraphviz is imported, or ``b"E"``, a
  length (8 bytes) and a message when it cannot be;
- then for each request ``format`` (8 bytes, space-padded ASCII: ``svg``,
  ``png``, ``json0`` …), a length (8 bytes) and the DOT text in UTF-8, it
  answers a status (1 byte: ``0`` for data, ``1`` for an error message), the
  lengths of the data and of what Graphviz wrote to standard error meanwhile
  (8 bytes each), then those bytes.  Graphviz's warnings (Fontconfig,
  "triangulation failed") so reach the caller, which decides whether to show
  them, without anything in the caller's process being redirected.

The worker ends when its input ends.  The first argument is the parent's
``sys.path`` as JSON, so that it imports the same pygraphviz.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
import tempfile
from typing import IO, Any, BinaryIO

# The protocol's two headers (see the module notes); _engine.py, the other end, uses these too.
REQUEST = struct.Struct("!8sQ")
REPLY = struct.Struct("!BQQ")


def read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    """``size`` bytes from ``stream``, or ``None`` if it ends first."""
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _send(channel: BinaryIO, status: int, payload: bytes, said: bytes) -> None:
    channel.write(REPLY.pack(status, len(payload), len(said)))
    channel.write(payload)
    channel.write(said)
    channel.flush()


def _draw(pygraphviz: Any, source: bytes, format_: str) -> tuple[int, bytes, bytes]:
    """Lay out and render one drawing; also returns what Graphviz wrote to descriptors 1 and 2 meanwhile."""
    with tempfile.TemporaryFile() as sink:
        saved = [os.dup(1), os.dup(2)]
        for descriptor in (1, 2):
            os.dup2(sink.fileno(), descriptor)
        try:
            graph = pygraphviz.AGraph(string=source.decode())
            # prog="dot" always: pygraphviz's default layout is neato, which ignores the hierarchy.
            data = graph.draw(format=format_, prog="dot")
        except Exception as error:  # pygraphviz raises DotError, ValueError, OSError…: all mean "Graphviz failed"
            status, data = 1, str(error).encode()
        else:
            status = 0
            if not isinstance(data, bytes):
                status, data = 1, b"Graphviz returned no data"
        finally:
            for descriptor, kept in zip((1, 2), saved, strict=True):
                os.dup2(kept, descriptor)
                os.close(kept)
        sink.seek(0)
        said = sink.read()
    return status, data, said


def main() -> None:
    """Serve render requests until standard input ends."""
    # The parent stops a render by ending this process; a Ctrl-C at the terminal reaches this process
    # too (it shares the terminal's process group) and must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests = sys.stdin.buffer
    # The answers go through a copy of file descriptor 1; descriptor 1 itself is pointed at descriptor 2
    # (caught during each render), so that nothing Graphviz prints can get into an answer.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.path[:] = json.loads(sys.argv[1])
    try:
        import pygraphviz
    except Exception as error:  # an ImportError, or a broken install failing in its own way
        message = f"cannot import pygraphviz: {error}".encode()
        channel.write(b"E" + struct.pack("!Q", len(message)) + message)
        channel.flush()
        return
    channel.write(b"R")
    channel.flush()
    while True:
        header = read_exactly(requests, REQUEST.size)
        if header is None:
            return
        format_, size = REQUEST.unpack(header)
        source = read_exactly(requests, size)
        if source is None:
            return
        try:
            _send(channel, *_draw(pygraphviz, source, format_.decode().strip()))
        except BrokenPipeError:
            return  # the parent is gone (killed, say) while this drawing was made: nobody to answer


if __name__ == "__main__":
    main()
