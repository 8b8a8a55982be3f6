"""jingqing serving."""
