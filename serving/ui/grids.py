"""``GET /grids``: the grid geometry the champion forecast was trained with, as GeoJSON.

The planner's map draws these polygons locally (no map tiles). The forecast model carries
its grids: the FeatureCollection text it was trained with (``geojson``), else grid
centroids (``centroids``: grid id → lon, lat), else only ``grid_ids``. The answer is always
a FeatureCollection with one Feature per forecast grid, each with properties ``grid_id``,
``kind`` and ``name``; ``geometry`` is a polygon, a point (centroid) or null, and the page
draws polygons, dots or a tile layout accordingly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def grid_collection(model: Any) -> dict[str, Any]:
    """The forecast model's grids as a FeatureCollection restricted to its ``grid_ids``.

    Args:
        model: The unwrapped forecast python model (``forecast``, ``grid_ids``, ...).

    Returns:
        A GeoJSON FeatureCollection dict, one Feature per grid the model forecasts, in the
        model's grid order.
    """
    grid_ids = [str(g) for g in getattr(model, "grid_ids", [])]
    features: dict[str, dict[str, Any]] = {}
    raw = getattr(model, "geojson", None)
    if raw:
        try:
            doc = json.loads(raw) if isinstance(raw, str | bytes) else raw
            for feature in doc.get("features", []):
                props = dict(feature.get("properties") or {})
                if "grid_id" in props:
                    props["grid_id"] = str(props["grid_id"])
                    features[props["grid_id"]] = {
                        "type": "Feature",
                        "properties": props,
                        "geometry": feature.get("geometry"),
                    }
        except (ValueError, AttributeError, TypeError) as exc:
            log.warning("forecast model's grid GeoJSON is unreadable (%s); drawing tiles", exc)
            features = {}
    centroids = getattr(model, "centroids", None) or {}
    out = []
    for grid_id in grid_ids or list(features):
        feature = features.get(grid_id)
        if feature is None:
            point = centroids.get(grid_id)
            geometry = (
                {"type": "Point", "coordinates": [float(point[0]), float(point[1])]}
                if point is not None
                else None
            )
            feature = {
                "type": "Feature",
                "properties": {"grid_id": grid_id, "kind": "", "name": grid_id},
                "geometry": geometry,
            }
        out.append(feature)
    return {"type": "FeatureCollection", "features": out}


def grids_app(model_ref: Callable[[], Any | None]) -> Any:
    """A one-route ASGI app answering ``GET /`` with :func:`grid_collection`.

    Args:
        model_ref: Returns the loaded forecast python model, or None while it is missing
            (the route then answers 503 naming the reason, like the POST routes).
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def grids(request: Request) -> JSONResponse:
        model = model_ref()
        if model is None:
            return JSONResponse({"error": "forecast model not loaded"}, status_code=503)
        return JSONResponse(grid_collection(model))

    return Starlette(routes=[Route("/", grids)])


def champion_forecast_model() -> Any | None:
    """The forecast model loaded by this process's service, or None."""
    from serving.service import current_runtime

    runtime = current_runtime()
    loaded = runtime.models.get("forecast") if runtime is not None else None
    return loaded.model if loaded is not None else None
