"""/api/docs: the OpenAPI schema in Swagger UI, served from this site (no CDN), so it works
offline and under the pages' Content-Security-Policy (no inline script, nothing from outside).

The Swagger UI files come from the ``swagger-ui-bundle-v2`` package; ``static/api-docs.js``
starts it on /openapi.json.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response
from swagger_ui_bundle import swagger_ui_path

from paperwire.web.http.templating import page_response, render_page

ASSETS_DIR = swagger_ui_path
ASSETS_PATH = "/static/swagger-ui"  # mounted by the app before /static
SWAGGER_UI_VERSION = swagger_ui_path.name.removeprefix("swagger-ui-")

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    page = render_page(request, "api_docs.html", {
        "assets": ASSETS_PATH, "version": SWAGGER_UI_VERSION, "openapi_url": request.app.openapi_url,
    })
    return page_response(request, page)
