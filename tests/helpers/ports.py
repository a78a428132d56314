"""Loopback ports for servers the tests start (PostgreSQL, the Dagster webserver) or that nobody serves."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port free now; nobody listens on it once the probe socket is closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
