"""What the client hands back: a `Download` (one body as served) and `Progress` (where a long request stands)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from pipeline import compression
from pipeline.eurostat.failures import _what


@dataclass(frozen=True)
class Progress:
    """Where a long request stands: bytes received so far, or the wait for an asynchronous extraction."""

    dataset: str | None  # None for the catalogue
    url: str
    stage: str  # "receiving" (body bytes arriving) or "waiting" (Eurostat preparing an extraction)
    elapsed: float  # seconds since the request was sent, or since the extraction was queued
    received: int = 0  # body bytes received so far (receiving)
    total: int | None = None  # the declared Content-Length, when the server sent one
    status: str | None = None  # the extraction's status (waiting): SUBMITTED, PROCESSING, AVAILABLE
    key: str | None = None  # the extraction's key (waiting)

    def describe(self) -> str:
        what = _what(self.dataset)
        if self.stage == "waiting":
            return (f"{what}: waiting for Eurostat's asynchronous extraction {self.key} "
                    f"({self.status}, {_duration(self.elapsed)} elapsed)")
        of = f" of {_megabytes(self.total)}" if self.total else ""
        return f"{what}: {_megabytes(self.received)}{of} received ({_duration(self.elapsed)} elapsed)"


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


@dataclass(frozen=True)
class Download:
    """One body exactly as Eurostat served it, with where and when it came from."""

    dataset: str | None  # None for the catalogue
    url: str  # the URL that was requested (for async delivery, the original data URL)
    body: bytes
    content_type: str | None
    retrieved_at: datetime  # UTC
    async_key: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def is_gzip(self) -> bool:
        return compression.is_gzip(self.body)
