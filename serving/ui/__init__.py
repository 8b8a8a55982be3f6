"""The operators' console: static files the BentoML service serves under ``/ui``.

The page talks to the service's own JSON routes, so it needs nothing else: no build step,
no CDN, no map tiles (the grid polygons come from ``GET /grids``, mounted here too, see
``serving.ui.grids``). Only the named
files are served, so this package's Python sources never leak through the static route;
``labels.js`` (the labels' display names) is generated from ``features.labels``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from features.labels import display_names

UI_DIR = Path(__file__).resolve().parent
UI_PATH = "/ui"
GRIDS_PATH = "/grids"
_FILES = {
    "index.html": "text/html; charset=utf-8",
    "messages.js": "text/javascript; charset=utf-8",
    "api.js": "text/javascript; charset=utf-8",
    "calltaker.js": "text/javascript; charset=utf-8",
    "map.js": "text/javascript; charset=utf-8",
    "planner.js": "text/javascript; charset=utf-8",
    "export.js": "text/javascript; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "deploy.js": "text/javascript; charset=utf-8",
    "deploy.css": "text/css; charset=utf-8",
}


def labels_script() -> str:
    """The console's display names, from the one table in ``features.labels``."""
    table = json.dumps(display_names(), ensure_ascii=False, indent=1)
    return f"window.JINGQING_LABELS = {table};\n"


def ui_app() -> Any:
    """Build the Starlette app that serves the console's files.

    Returns:
        An ASGI app answering ``/`` (the page), ``/app.js`` and ``/app.css``; anything else
        is a 404. ``no-cache`` makes a redeployed console show up without a hard reload.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, PlainTextResponse, Response
    from starlette.routing import Route

    async def serve(request: Request) -> Response:
        name = request.path_params.get("name") or "index.html"
        if name == "labels.js":
            return Response(
                labels_script(), media_type=_FILES["app.js"], headers={"Cache-Control": "no-cache"}
            )
        if name not in _FILES:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(
            UI_DIR / name, media_type=_FILES[name], headers={"Cache-Control": "no-cache"}
        )

    return Starlette(routes=[Route("/", serve), Route("/{name}", serve)])


def mount_ui(service: Any, path: str = UI_PATH, grids_path: str | None = GRIDS_PATH) -> Any:
    """Mount the console, and ``GET /grids`` it draws the map from, on a BentoML service.

    Args:
        service: The ``bentoml.Service`` object (the class wrapped by ``@bentoml.service``).
        path: Where the console lives; the page finds the API relative to it.
        grids_path: Where to serve the forecast model's grid GeoJSON (None: the service
            serves it itself).

    Returns:
        The same service, so the call can sit on the line after the class definition.
    """
    service.mount_asgi_app(ui_app(), path=path)
    if grids_path:
        from serving.ui.grids import champion_forecast_model, grids_app

        service.mount_asgi_app(grids_app(champion_forecast_model), path=grids_path)
        service.add_asgi_middleware(ExactMountPath, paths=(grids_path,))
    return service


class ExactMountPath:
    """Let ``GET /grids`` reach the app mounted at ``/grids`` without a redirect.

    A mounted app only matches ``/grids/...``; Starlette would answer the bare path with a
    307 to ``/grids/``, which ``curl`` and many clients do not follow by default.
    """

    def __init__(self, app: Any, paths: tuple[str, ...]) -> None:
        self.app = app
        self.paths = {p.rstrip("/") for p in paths}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") in self.paths:
            scope = {
                **scope,
                "path": scope["path"] + "/",
                "raw_path": scope["path"].encode("latin-1") + b"/",
            }
        await self.app(scope, receive, send)
