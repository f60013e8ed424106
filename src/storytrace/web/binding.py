"""Who may reach the server: loopback addresses, and the token anything else needs."""

from __future__ import annotations

import ipaddress

MIN_TOKEN = 16  # characters; shorter tokens are accepted with a warning


class BindRefused(ValueError):
    pass


def is_loopback(host: str) -> bool:
    h = (host or "").strip().strip("[]").lower()
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False  # any other name may resolve anywhere: treat it as public


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve a non-loopback address without a token: anyone who can reach it could
    write into the store."""
    if not token and not is_loopback(host):
        raise BindRefused(
            f"refusing to listen on {host!r} without a token: anyone who can reach it could add reports. "
            "Pass --token (or set STORYTRACE_TOKEN), or bind to 127.0.0.1."
        )
