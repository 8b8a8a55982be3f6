"""The operators' console: three static files the BentoML service serves under ``/ui``.

The page talks to the service's own JSON routes, so it needs nothing else: no build step,
no CDN, no map tiles (the grid polygons come from ``GET /grids``). Only the three named
files are served, so this package's Python sources never leak through the static route.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

UI_DIR = Path(__file__).resolve().parent
UI_PATH = "/ui"
_FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


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
        if name not in _FILES:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(
            UI_DIR / name, media_type=_FILES[name], headers={"Cache-Control": "no-cache"}
        )

    return Starlette(routes=[Route("/", serve), Route("/{name}", serve)])


def mount_ui(service: Any, path: str = UI_PATH) -> Any:
    """Mount the console on a BentoML service (a class already wrapped by ``@bentoml.service``).

    Args:
        service: The ``bentoml.Service`` object.
        path: Where the console lives; the page finds the API relative to it.

    Returns:
        The same service, so the call can sit on the line after the class definition.
    """
    service.mount_asgi_app(ui_app(), path=path)
    return service
