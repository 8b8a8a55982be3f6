"""jingqing training."""
