"""A fake clock for the client's waits (asynchronous polls, retries): sleeping only advances the clock."""

from __future__ import annotations


class FakeTime:
    """`clock` and `sleep` for an EurostatClient; `sleeps` lists every wait asked for."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
