"""Patrol deployment: travel times per grid, a response model per grid and shift, an allocator.

Predict-time code shared by ``jingqing plan`` and ``POST /plan``:

* ``geometry`` — grids in a local metric projection, uniform points inside each polygon,
  the nearest neighbours of every grid;
* ``travel`` — distance from the nearest free patrolling unit to a call, road factor, speed
  by hour and unit kind, calibration from ``dispatched_at``/``arrived_at``;
* ``response`` — the queue model (Erlang loss with its insensitivity, overflow to the
  nearest free neighbour or standby post, the response-time distribution), its laws in
  ``queueing`` (Erlang B, the busy-count law, the nearest free backup);
* ``allocate`` — marginal allocation of units and standby positions;
* ``plan`` — from a forecast frame and a roster to the plan table.

Never imports mlflow or bentoml.
"""
