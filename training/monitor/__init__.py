"""``jingqing monitor``: drift, agreement with call takers and forecast error as a report."""
