"""Who is asking and what they may do: sessions and API tokens, CSRF on every form, the size
limit on request bodies, and the security headers of every response."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gongkai.store.accounts import PUBLIC, Principal, in_scope, session_principal, token_principal

SESSION_COOKIE = "gk_session"
CSRF_COOKIE = "gk_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CSP_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
"""Swagger UI sets style attributes from its scripts: the API documentation page alone allows them."""


class HTTPError(Exception):
    """An error shown to the user in Chinese (a page for pages, JSON for the API)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class NotLoggedIn(Exception):
    pass


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return None


def current_principal(request: Request) -> Principal | None:
    """The user of a valid API token or session cookie; the public in public mode; else None."""
    if "principal" in request.scope.get("state", {}):
        cached: Principal | None = request.state.principal
        return cached
    store = request.app.state.store
    p: Principal | None = None
    token = bearer(request)
    if token is not None:
        with store.session() as s:
            p = token_principal(s, token)
        if p is None:
            raise HTTPError(401, "API 令牌无效或已撤销")
    else:
        sid = request.cookies.get(SESSION_COOKIE)
        if sid:
            with store.session() as s:
                p = session_principal(s, sid)
    if p is None and request.app.state.settings.public:
        p = PUBLIC
    request.state.principal = p
    return p


def require_user(request: Request) -> Principal:
    p = current_principal(request)
    if p is None:
        raise NotLoggedIn()
    return p


def require_writer(request: Request) -> Principal:
    p = require_user(request)
    if not p.can_write:
        raise HTTPError(403, "只读用户不能修改数据（需要审核人员或管理员权限）")
    return p


def require_admin(request: Request) -> Principal:
    p = require_user(request)
    if not p.is_admin:
        raise HTTPError(403, "只有管理员可以管理用户")
    return p


def check_scope(p: Principal, region: str | None) -> None:
    """Something outside the user's region is, for them, not there at all."""
    if not in_scope(region, p.region):
        raise HTTPError(404, "没有找到（或不在您负责的地区范围内）")


def csrf_token(request: Request) -> str:
    return str(request.scope.setdefault("state", {}).get("csrf") or "")


async def csrf_protect(request: Request) -> None:
    """Every request that changes something carries the CSRF token of its page (form field or
    header), equal to the visitor's CSRF cookie; scripts with an API token need none."""
    if request.method in SAFE_METHODS or bearer(request) is not None:
        return
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    ctype = request.headers.get("content-type", "")
    if sent is None and ("form" in ctype):
        try:
            form = await request.form(max_files=100_000)
        except Exception:
            form = None
        sent_v = form.get(CSRF_FIELD) if form is not None else None
        sent = sent_v if isinstance(sent_v, str) else None
    if not cookie or not sent or not secrets.compare_digest(cookie, sent):
        raise HTTPError(403, "请求缺少有效的安全校验码（CSRF），请刷新页面后重试")


class BodyLimit(Exception):
    pass


class Guard:
    """ASGI middleware: the security headers on every response, the CSRF cookie for every
    visitor, and a hard limit on the size of request bodies (checked as they arrive)."""

    def __init__(self, app: ASGIApp, max_body: int, secure: bool) -> None:
        self.app = app
        self.max_body = max_body
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        cookies = _cookies(headers.get("cookie", ""))
        token = cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = token
        new_cookie = CSRF_COOKIE not in cookies
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            await _too_large(scope, send, self.max_body)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > self.max_body:
                    raise BodyLimit()
            return msg

        path = scope.get("path", "")
        csp = CSP_DOCS if path.startswith("/docs") else CSP
        started = False

        async def send_with_headers(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                h = list(msg.get("headers", []))
                extra = {
                    "content-security-policy": csp,
                    "x-content-type-options": "nosniff",
                    "x-frame-options": "DENY",
                    "referrer-policy": "same-origin",
                    "cross-origin-opener-policy": "same-origin",
                    "permissions-policy": "camera=(), microphone=(), geolocation=()",
                }
                if self.secure:
                    extra["strict-transport-security"] = "max-age=31536000"
                present = {k.decode("latin-1").lower() for k, _ in h}
                for k, v in extra.items():
                    if k not in present:
                        h.append((k.encode(), v.encode()))
                if new_cookie:
                    flags = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if self.secure else "")
                    h.append((b"set-cookie", f"{CSRF_COOKIE}={token}{flags}".encode()))
                msg = {**msg, "headers": h}
            await send(msg)

        try:
            await self.app(scope, limited, send_with_headers)
        except BodyLimit:
            if not started:
                await _too_large(scope, send, self.max_body)


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    import json

    mb = limit // (1024 * 1024)
    msg = f"上传内容过大：一次最多 {mb} MB，请分批上传"
    wants_json = scope.get("path", "").startswith("/api")
    body: Any
    if wants_json:
        body = json.dumps({"detail": msg}, ensure_ascii=False).encode()
        ctype = b"application/json"
    else:
        page = f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>上传过大</title><p>{msg}</p></html>'
        body = page.encode()
        ctype = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", ctype),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
