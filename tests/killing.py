"""``kill -9`` at a random moment of a process that writes one file over and over (saving, drawing)."""

from __future__ import annotations

import signal
import subprocess
import time

from hypothesis import settings

#: How many processes a test kills: a few in CI, 50 in the slow profile.
KILLS = 50 if settings.default.max_examples >= 1000 else 4


def kill_9_after(command: list[str], seconds: float) -> str:
    """Run ``command``, which prints ``ready`` once it has written its first version and then writes on;
    send it SIGKILL ``seconds`` after that.  Returns what it wrote to standard error, read to the end
    (a child of its own, such as the Graphviz process, holds the pipe until it has seen it is gone)."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as writer:
        assert writer.stdout is not None
        assert writer.stderr is not None
        assert writer.stdout.readline() == "ready\n"
        time.sleep(seconds)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        return writer.stderr.read()
