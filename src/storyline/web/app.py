"""The web app: ``create_app(db_path)`` gives an ASGI app serving pages, /api/ and /static/.

Read-only over the store (each server thread has its own ``mode=ro`` connection), so it can run
while ``storyline run`` adds articles. Every script and stylesheet is served from /static/; the
Content-Security-Policy forbids inline scripts and any other origin.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

import storyline
from storyline.store import StoreError
from storyline.web import api, pages
from storyline.web.comparison import StoryReports
from storyline.web.readers import Readers
from storyline.web.similar import SimilarArticles

HERE = Path(__file__).resolve().parent

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def create_app(db_path: str | Path) -> FastAPI:
    """The app over the database at ``db_path`` (which must exist; it is never written)."""
    readers = Readers(db_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.story_reports.close()
        readers.close()

    app = FastAPI(
        title="Storyline",
        version=storyline.__version__,
        description="Read-only API over a Storyline database: articles, outlets and full-text search.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the bundled API explorers load from a CDN; the JSON document is served instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.readers = readers
    app.state.templates = _templates()
    app.state.db_name = Path(db_path).name
    app.state.story_reports = StoryReports(db_path)
    app.state.similar = SimilarArticles()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(Exception, _server_error)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The app for uvicorn worker processes (``storyline serve --workers N``): the path is in STORYLINE_DB."""
    return create_app(os.environ["STORYLINE_DB"])


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped; templates never use |safe
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        article_url=pages.url_for_article,
        api_article_url=pages.url_for_api_article,
        source_url=pages.url_for_source,
        story_url=pages.url_for_story,
        event_url=pages.url_for_event,
        entity_url=pages.url_for_entity,
        version=storyline.__version__,
    )
    return Jinja2Templates(env=env)


def _wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers: dict | None = None):
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status, headers=headers
    )


async def _http_error(request: Request, exc: StarletteHTTPException):
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        what = "endpoint" if _wants_json(request) else "page"
        message = f"no such {what}: {request.url.path}"
    return _error(request, exc.status_code, message, getattr(exc, "headers", None))


async def _store_error(request: Request, exc: StoreError):
    return _error(request, 503, f"the database cannot be read: {exc}")


async def _server_error(request: Request, exc: Exception):
    return _error(request, 500, f"internal error ({type(exc).__name__})")


async def _validation_error(request: Request, exc: RequestValidationError):
    return _error(request, 422, validation_message(exc))


def validation_message(exc: RequestValidationError) -> str:
    """``limit: Input should be less than or equal to 100`` (one clause per bad parameter)."""
    parts = []
    for err in exc.errors():
        where = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body")]
        parts.append(f"{'.'.join(where) or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


class SecurityHeaders:
    """ASGI wrapper adding the CSP and friends to every response (pages, API, static, errors)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
