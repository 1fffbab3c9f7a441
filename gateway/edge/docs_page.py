"""``GET /schema``: the OpenAPI document rendered by Swagger UI, with no request leaving
the machine.

Litestar's render plugins load their scripts and fonts from CDNs; this one serves Swagger
UI's files from the `swagger-ui-bundle-v2` wheel (read once, at start) under
``/schema/assets/``, turns off Swagger UI's online validator badge (which would fetch
from validator.swagger.io), and loads the document from ``/schema/openapi.json``. Every
URL the page uses is relative to the hub.
"""

from __future__ import annotations

import html
from typing import Any

from litestar import MediaType, Request, Response, Router, get
from litestar.openapi.plugins import OpenAPIRenderPlugin
from swagger_ui_bundle import swagger_ui_path

__all__ = ["OfflineSwaggerPlugin"]

_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_INIT = """window.ui = SwaggerUIBundle({
  url: "%(base)s/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
"""
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%(title)s</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="%(base)s/assets/favicon-32x32.png">
<link rel="stylesheet" href="%(base)s/assets/swagger-ui.css">
<style>body { margin: 0 }</style>
</head>
<body>
<div id="swagger-ui"></div>
<script src="%(base)s/assets/swagger-ui-bundle.js"></script>
<script src="%(base)s/assets/omnihub-init.js"></script>
</body>
</html>
"""


class OfflineSwaggerPlugin(OpenAPIRenderPlugin):
    """Swagger UI from the hub's own files (the first render plugin: served at `base`)."""

    def __init__(self, base: str = "/schema") -> None:
        super().__init__(path="/swagger", media_type=MediaType.HTML)
        self._base = base
        self._files: dict[str, tuple[bytes, str]] = {
            name: ((swagger_ui_path / name).read_bytes(), kind) for name, kind in _ASSETS.items()
        }
        init = (_INIT % {"base": base}).encode()
        self._files["omnihub-init.js"] = (init, "text/javascript; charset=utf-8")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema.get("info", {}).get("title", "API")))
        return (_PAGE % {"title": title, "base": self._base}).encode()

    def receive_router(self, router: Router) -> None:
        files = self._files

        @get("/assets/{name:str}", include_in_schema=False, sync_to_thread=False)
        def asset(request: Request[Any, Any, Any]) -> Response[bytes]:
            found = files.get(str(request.path_params["name"]))
            if found is None:
                return Response(b"not found", status_code=404, media_type="text/plain")
            body, kind = found
            return Response(body, media_type=kind, headers={"Cache-Control": "max-age=3600"})

        router.register(asset)
