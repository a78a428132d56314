"""Debian's headless chromium for the document tests and the screenshots: find it, open pages with the
network blocked, report what they loaded and logged, print them to PDF.

The page is driven over the Chrome DevTools Protocol on `--remote-debugging-pipe` (fds 3 and 4,
NUL-terminated JSON): no port to pick or collide on with other runs, no websocket library, and the
browser exits when the pipe closes. DevTools reports each request, failed load, console message and
uncaught exception as an event, which `--enable-logging=stderr` only prints as free text.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Nothing leaves the machine: every host name resolves to nothing and every address goes to a proxy
# on a closed port (loopback included), so a document that fetches anything fails to load it.
OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
QUIET = ("--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
         "--mute-audio", "--hide-scrollbars", "--font-render-hinting=none")
A4_PX = (794, 1123)  # 210 x 297 mm at CSS's 96 px per inch


def chromium_binary() -> str | None:
    """Debian's `chromium` (what .ci/run installs), or CHROMIUM=<path>."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


def require_chromium() -> str:
    """The binary; without one, a skip naming .ci/run, or in CI (CI=true) a failure: CI must run these tests."""
    import pytest

    binary = chromium_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: .ci/run should have installed Debian's chromium")
        pytest.skip("chromium not installed (Debian's `chromium`; .ci/run installs it with apt)")
    return binary


def version(binary: str) -> str:
    return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()


def _base_args(profile: str) -> list[str]:
    # Chromium refuses to start as root with its sandbox on (containers, CI); as any other user the
    # sandbox stays on.
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
    return ["--headless", *sandbox, "--disable-gpu", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            *OFFLINE, *QUIET]


def print_to_pdf(binary: str, html: Path, pdf: Path, timeout: float = 60) -> None:
    """What printing the page gives: `--print-to-pdf` with no header or footer, page size from the CSS."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run([binary, *_base_args(profile), "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                               html.resolve().as_uri()], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"chromium --print-to-pdf failed ({done.returncode}): {done.stderr[-2000:]}")


@dataclass
class PageReport:
    """What one page did while loading: every request, the failed ones, console errors, exceptions."""

    url: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dom: Any = None

    @property
    def fetched(self) -> list[str]:
        """Requests other than the page itself: a self-contained document makes none."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


class DevToolsError(RuntimeError):
    pass


class Browser:
    """One headless chromium driven over the DevTools pipe; `with Browser(binary) as b: b.open(path, js)`."""

    def __init__(self, binary: str, timeout: float = 30):
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-")
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def _fds() -> None:  # the child's fd 3 reads our commands, its fd 4 writes the answers
            high_in = fcntl.fcntl(to_child, fcntl.F_DUPFD, 100)
            high_out = fcntl.fcntl(from_child, fcntl.F_DUPFD, 100)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [binary, *_base_args(self._profile.name), "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
            pass_fds=(3, 4), preexec_fn=_fds)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []

    # -- protocol
    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise DevToolsError(f"chromium did not answer within {self.timeout} s{self._log()}")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise DevToolsError(f"chromium closed the DevTools pipe{self._log()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _log(self) -> str:
        self._stderr.seek(0)
        tail = self._stderr.read()[-1500:].decode("utf-8", "replace")
        return f"; its stderr ends:\n{tail}" if tail else ""

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def _event(self, session: str, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("sessionId") == session and event.get("method") == method:
                    return self._events.pop(i)
            self._events.append(self._message(deadline))

    # -- pages
    def _tab(self, width: int, height: int) -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
        return session

    def _load(self, session: str, url: str) -> None:
        answer = self.send("Page.navigate", {"url": url}, session)
        if answer.get("errorText"):
            raise DevToolsError(f"{url}: {answer['errorText']}")
        self._event(session, "Page.loadEventFired")

    def open(self, path: Path, expression: str, size: tuple[int, int] = A4_PX) -> PageReport:
        """Load the file in a new tab; the report of its load and `expression` evaluated in it (by value)."""
        session = self._tab(*size)
        report = PageReport(url=path.resolve().as_uri())
        self._load(session, report.url)
        report.dom = self.evaluate(session, expression)
        self.send("Runtime.evaluate", {"expression": "0"}, session)  # flush events queued behind the load
        mine = [e for e in self._events if e.get("sessionId") == session]
        self._events = [e for e in self._events if e.get("sessionId") != session]
        by_request: dict[str, str] = {}
        for event in mine:
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                by_request[params["requestId"]] = params["request"]["url"]
                report.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                report.failed.append(f"{by_request.get(params['requestId'], '?')}: {params.get('errorText')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                report.errors.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}".strip())
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                report.errors.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                           for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                report.errors.append(f"exception: {details.get('exception', {}).get('description', details['text'])}")
        return report

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        if "exceptionDetails" in result:
            raise DevToolsError(f"evaluating {expression[:60]!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, *, media: str = "print", size: tuple[int, int] = A4_PX,
                   before: str = "") -> bytes:
        """PNG of the top `size` of the page as `media` shows it (print: the print CSS, on screen), after
        running the script `before` in it."""
        session = self._tab(*size)
        self.send("Emulation.setEmulatedMedia", {"media": media}, session)
        self._load(session, path.resolve().as_uri())
        if before:
            self.evaluate(session, before)
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}}, session)
        return base64.b64decode(shot["data"])

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except DevToolsError:
            pass
        os.close(self._write)
        os.close(self._read)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()
        self._profile.cleanup()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
