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
