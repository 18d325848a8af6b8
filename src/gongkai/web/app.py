"""The application: settings, store, templates, static files (ours and the vendored registry
assets), error pages in Chinese, the security middleware, the pages and the API."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

import gongkai
from gongkai.analysis.labels import SEVERITY_NAMES, VERDICT_NAMES
from gongkai.store import Store
from gongkai.store.accounts import ROLE_NAMES
from gongkai.store.files import FileStore
from gongkai.web import service
from gongkai.web.config import Settings
from gongkai.web.security import CSRF_FIELD, Guard, HTTPError, NotLoggedIn, csrf_protect, csrf_token
from gongkai.web.table_html import table_grid

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"


def vendor_versions() -> dict[str, str]:
    try:
        return dict(json.loads((VENDOR / "versions.json").read_text()))
    except (OSError, ValueError):
        return {}


def _number(v: Any) -> str:
    if v is None:
        return ""
    # written as the reports write numbers: no thousands separators
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if not v.is_integer() else str(int(v))
    return str(v)


def _percent(v: Any) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def make_templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    # templates are part of the installed package: not stat()ed again on every render
    t.env.auto_reload = False
    t.env.globals.update(
        SEVERITY_NAMES=SEVERITY_NAMES,
        VERDICT_NAMES=VERDICT_NAMES,
        ROLE_NAMES=ROLE_NAMES,
        CSRF_FIELD=CSRF_FIELD,
        version=gongkai.__version__,
        has_htmx=(VENDOR / "htmx" / "htmx.min.js").is_file(),
        table_grid=table_grid,
    )
    t.env.filters["number"] = _number
    t.env.filters["percent"] = _percent
    return t


def create_app_from_env() -> FastAPI:
    """The app with settings from the environment (``GONGKAI_DB``, ``GONGKAI_FILES``,
    ``GONGKAI_PUBLIC``, ``GONGKAI_SECURE_COOKIES``, ``GONGKAI_MAX_FILE_MB``): what each of
    several server processes builds (``gongkai serve --workers N``)."""
    import os

    s = Settings(db=os.environ.get("GONGKAI_DB"), files=os.environ.get("GONGKAI_FILES"))
    if os.environ.get("GONGKAI_MAX_FILE_MB", "").isdigit():
        s.max_file_mb = int(os.environ["GONGKAI_MAX_FILE_MB"])
    return create_app(s)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        # the pool that runs the (synchronous) page and API functions: see DEFAULT_THREADS
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, settings.threads)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="gongkai 政府信息公开工作年度报告 API",
        version=gongkai.__version__,
        description="报告、单元格出处、核查问题、复核结论、比较、统计、导出与上传任务。脚本请使用 API 令牌："
        "`Authorization: Bearer gk_…`（在“我的账户”页面或用 `gongkai token add` 创建）。",
        docs_url=None,  # the default page loads Swagger UI from a CDN: ours serves it locally
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.store = Store(settings.db)
    app.state.store.refresh_statistics()  # a store filled by other processes since it was analysed
    service.warm(app.state.store)
    app.state.files = FileStore.at(settings.files_root)
    app.state.templates = make_templates()
    app.add_middleware(Guard, max_body=settings.max_request_bytes, secure=settings.secure_cookies)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api") or "application/json" in request.headers.get("accept", "")

    def error_page(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=status)
        from gongkai.web.security import current_principal

        try:
            user = current_principal(request)
        except HTTPError:
            user = None
        return app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message, "user": user, "csrf": csrf_token(request)},
            status_code=status,
        )

    @app.exception_handler(HTTPError)
    async def _http_error(request: Request, exc: HTTPError) -> Response:
        return error_page(request, exc.status, exc.message)

    @app.exception_handler(NotLoggedIn)
    async def _login(request: Request, exc: NotLoggedIn) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "请先登录（或使用 API 令牌）"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _starlette(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面不存在", 405: "不支持这种请求方式"}
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code not in messages else None
        return error_page(request, exc.status_code, detail or messages.get(exc.status_code, "请求有误"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors()[:5])
        return error_page(request, 422, f"请求参数有误：{fields}")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        if not (VENDOR / "swagger-ui" / "swagger-ui-bundle.js").is_file():
            return HTMLResponse(
                "<!DOCTYPE html><meta charset='utf-8'><title>API 文档</title><p>Swagger UI 资源未安装"
                "（运行 bash scripts/web_assets.sh）。"
                "OpenAPI 描述：<a href='/api/openapi.json'>/api/openapi.json</a></p>"
            )
        return app.state.templates.TemplateResponse(request, "docs.html", {})

    instance = secrets.token_hex(4)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        # ``instance``: which server process answered (an opaque id, not its pid): a client can
        # tell when every process of ``serve --workers N`` has started
        return {"ok": True, "version": gongkai.__version__, "assets": vendor_versions(), "instance": instance}

    from gongkai.web import api, cases_api, cases_pages, pages

    app.include_router(api.router)
    app.include_router(cases_api.router)
    app.include_router(cases_pages.router)
    app.include_router(pages.router)
    return app
