"""Bearer-token check for the POST routes (``JINGQING_API_TOKEN``, see ``serving.settings``).

Health, metrics, the OpenAPI document and the console stay open: probes and the browser
must reach them without a secret. The comparison is constant-time so response timing does
not leak how much of a guessed token was right.
"""

from __future__ import annotations

import hmac


def authorized(header_value: str | None, token: str | None) -> bool:
    """Whether an ``Authorization`` header value grants access when ``token`` is required."""
    if token is None:
        return True
    if not header_value:
        return False
    scheme, _, supplied = header_value.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(supplied.strip().encode("utf-8"), token.encode("utf-8"))


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def exposure_warning(host: str, token: str | None) -> str | None:
    """A loud warning when the service listens beyond this machine without a token.

    Without ``JINGQING_API_TOKEN`` anyone who can reach the port can classify, read
    forecasts and write feedback that retraining will learn from.
    """
    if token is not None or host.strip().lower() in _LOOPBACK or host.startswith("127."):
        return None
    shown = host or "all interfaces"
    return (
        f"WARNING: listening on {shown} with no API token: anyone who can reach this port "
        "can call the POST routes and write feedback; set JINGQING_API_TOKEN (clients then send "
        "'Authorization: Bearer <token>') or serve on 127.0.0.1"
    )
