"""Patrol plans: the ``jingqing plan`` command, MLflow tracking, and the SimPy replay that
checks a plan's predicted response against a discrete-event simulation of its calls."""
