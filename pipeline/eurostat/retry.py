"""The one retry layer of the Eurostat client: what is retried, how long it waits, and when it gives up.

Nothing else retries (urllib3 is told not to, Dagster's steps have no retry policy), so waits do
not multiply: one request makes at most `retries + 1` attempts and waits at most `max_wait`
seconds between them in total. A Eurostat that refuses connections or answers 5xx therefore ends
a download within `(retries + 1) * connect_timeout + max_wait` seconds (`RetryBudget.bound`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from urllib3.util.retry import Retry

log = logging.getLogger("pipeline.eurostat")

# Worth another attempt: Eurostat overloaded or restarting. 413 ("filter more") and 404 never are.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryBudget:
    """How often one request is tried again and how long it may wait in all."""

    retries: int = 5  # attempts after the first
    backoff_factor: float = 1.0  # the wait before retry n is backoff_factor * 2**(n-1) seconds
    backoff_max: float = 60.0  # no single wait is longer, a Retry-After of hours included
    max_wait: float = 120.0  # total wait of one request; a retry that would pass it is not made

    def wait(self, retry: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry `retry` (1-based): Eurostat's Retry-After if it sent one, else backoff."""
        announced = _retry_after_seconds(retry_after)
        wait = announced if announced is not None else self.backoff_factor * 2 ** (retry - 1)
        return max(0.0, min(wait, self.backoff_max))

    def bound(self, connect_timeout: float) -> float:
        """The longest a request to a Eurostat that refuses connections or answers 5xx can take, in seconds."""
        return (self.retries + 1) * connect_timeout + self.max_wait


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return Retry().parse_retry_after(value)  # seconds or an HTTP date, as urllib3 reads it
    except Exception:  # an unreadable header is no instruction: fall back to backoff
        return None


class Attempts:
    """The attempts of one request: `retry(why)` waits and says yes while the budget allows another."""

    def __init__(self, budget: RetryBudget, url: str, sleep: Callable[[float], None]):
        self.budget = budget
        self.url = url
        self.sleep = sleep
        self.made = 1
        self.waited = 0.0

    def retry(self, why: str, retry_after: str | None = None) -> bool:
        if self.made > self.budget.retries:
            return False
        wait = self.budget.wait(self.made, retry_after)
        if self.waited + wait > self.budget.max_wait:
            log.info("Eurostat: not retrying %s (%s): waiting %.1fs more would pass the %gs retry budget",
                     self.url, why, wait, self.budget.max_wait)
            return False
        log.info("Eurostat: retrying %s (%s%s) in %.1fs; %d retries left", self.url, why,
                 f", Retry-After {retry_after}" if retry_after else "", wait, self.budget.retries - self.made)
        self.sleep(wait)
        self.waited += wait
        self.made += 1
        return True

    def describe(self) -> str:
        return f"{self.made} attempt{'s' if self.made != 1 else ''}"
