"""jingqing features."""
