"""Headless Chromium for the explorer's tests and benchmark: the system's browser, driven by Playwright.

Nothing here downloads a browser.  The browser is Debian's ``chromium``
(``apt-get install chromium``) at ``/usr/bin/chromium``, or the one named by
``ORGMODEL_CHROMIUM``; Playwright comes from the ``browser`` extra
(``pip install -e ".[browser]"``).  :func:`missing` says what is not there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Flags for a quiet, offline, sandbox-free headless run (the tests run as root in CI).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """Where the Chromium binary is: ``$ORGMODEL_CHROMIUM``, else ``/usr/bin/chromium`` (``None`` when absent)."""
    wanted = os.environ.get("ORGMODEL_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(wanted)
    return found if found is not None and Path(found).exists() else None


def missing() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return 'Playwright is not installed: pip install -e ".[browser]"'
    if chromium_path() is None:
        wanted = os.environ.get("ORGMODEL_CHROMIUM", "/usr/bin/chromium")
        return f"no Chromium at {wanted} (set ORGMODEL_CHROMIUM, or apt-get install chromium)"
    return None


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=list(FLAGS))
        try:
            yield browser
        finally:
            browser.close()


#: Steps the slider forward ``steps`` times and returns how long each redraw took, in milliseconds:
#: ``script`` is the page's own work plus the style and layout it forces; ``frame`` lasts until the
#: browser has painted the result (two animation frames later).  One warm-up step comes first.
MEASURE_STEPS = """async (steps) => {
  const page = window.orgmodelExplorer;
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  page.expandAll();
  page.step(1);
  await frame(); await frame();
  const script = [], frames = [];
  for (let k = 0; k < steps; k++) {
    await frame();
    const start = performance.now();
    page.step(1);
    document.body.getBoundingClientRect();
    script.push(performance.now() - start);
    await frame(); await frame();
    frames.push(performance.now() - start);
  }
  return {
    script: script,
    frame: frames,
    boxes: document.querySelectorAll("#boxes .box:not([hidden])").length,
  };
}"""


def measure_steps(page: Any, steps: int) -> dict[str, Any]:
    """Run :data:`MEASURE_STEPS` in an explorer page opened on a day with ``steps`` slider days after it."""
    result: dict[str, Any] = page.evaluate(MEASURE_STEPS, steps)
    return result
