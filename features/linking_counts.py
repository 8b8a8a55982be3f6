"""Count incidents instead of calls: keep the first call of every incident.

Forecasts trained on calls count a fire reported by six people six times; planners place
units per incident. ``first_calls`` keeps one row per incident: from the table's own
``incident_id`` when every row has one (an export that already links calls, or the
simulator's ground truth), otherwise from the linker (``features.linking``).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

__all__ = ["COUNTS", "first_calls"]

COUNTS = ("calls", "incidents")
log = logging.getLogger(__name__)


def first_calls(calls: pd.DataFrame, linker=None) -> pd.DataFrame:
    """The earliest call of each incident, in the input's order.

    Args:
        calls: validated calls (``received_at``; ``text`` is needed when there is no
            complete ``incident_id`` column).
        linker: the scorer used when the table has no ``incident_id`` (shipped default).
    """
    if calls.empty:
        return calls
    ids = calls["incident_id"] if "incident_id" in calls.columns else None
    if ids is None or ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        if "text" not in calls.columns:
            from features.errors import UserError

            raise UserError(
                "--count incidents needs an incident_id column or a text column to link calls"
            )
        from features.linking import link_calls

        ids = link_calls(calls, linker)["incident_id"]
        source = "linked by text, time and place"
    else:
        source = "from the incident_id column"
    order = np.argsort(pd.to_datetime(calls["received_at"], utc=True).to_numpy(), kind="stable")
    first = ~pd.Series(ids.to_numpy()[order]).duplicated().to_numpy()
    keep = np.zeros(len(calls), dtype=bool)
    keep[order[first]] = True
    log.info("counting %d incidents in %d calls (%s)", int(keep.sum()), len(calls), source)
    return calls[keep]
