"""Users of the web app: accounts with a role and a region scope, login sessions, API tokens
and the login rate limit. Passwords are hashed with argon2 (argon2-cffi); session and API
tokens are random and only their SHA-256 is stored, so a copy of the database opens nothing.

Roles: ``admin`` (everything, users included), ``reviewer`` (reads, uploads, re-parses,
records verdicts), ``viewer`` (reads). A region scope (``沂源县``) limits what a user sees to
the agencies whose region contains it (the county and the townships and departments below).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from gongkai.store.records import utcnow
from gongkai.store.schema import Agency, Base, ReportVersion

ROLES: tuple[str, ...] = ("admin", "reviewer", "viewer")
ROLE_NAMES = {"admin": "管理员", "reviewer": "审核人员", "viewer": "只读用户"}
MIN_PASSWORD = 8
SESSION_HOURS = 12
LOGIN_WINDOW_MINUTES = 15
LOGIN_MAX_FAILURES = 5
"""Failed logins allowed per user name (and per client address) within the window."""
TOKEN_PREFIX = "gk_"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(12))
    region: Mapped[str | None] = mapped_column(String(100))
    """Region scope (None: everything)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoginSession(Base):
    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginFailure(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user (through a session or an API token) or the public."""

    user_id: int | None
    username: str
    role: str
    region: str | None

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "reviewer")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


PUBLIC = Principal(None, "公众", "viewer", None)


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


_DUMMY_HASH: str | None = None


def _verify(hash_: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return bool(_hasher().verify(hash_, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(s: Session, username: str, password: str, role: str = "viewer", region: str | None = None) -> User:
    """Create an account; raises ValueError with a Chinese message when something is wrong."""
    username = username.strip()
    if not username or len(username) > 64:
        raise ValueError("用户名不能为空，且不超过 64 个字符")
    if role not in ROLES:
        raise ValueError(f"角色只能是 {' / '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符")
    if s.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValueError(f"用户名“{username}”已存在")
    u = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        region=(region or "").strip() or None,
        active=True,
        created_at=utcnow(),
    )
    s.add(u)
    s.flush()
    return u


def set_password(s: Session, user_id: int, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符")
    u = s.get(User, user_id)
    if u is None:
        raise KeyError("没有这个用户")
    u.password_hash = hash_password(password)
    s.execute(delete(LoginSession).where(LoginSession.user_id == user_id))


def users(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.id)))


def count_users(s: Session) -> int:
    return int(s.scalar(select(func.count(User.id))) or 0)


def principal_of(u: User) -> Principal:
    return Principal(u.id, u.username, u.role, u.region)


# --- login, rate limit, sessions -------------------------------------------------------------


def login_blocked(s: Session, keys: list[str], now: dt.datetime | None = None) -> bool:
    """Too many failed logins for any of ``keys`` (user name, client address) in the window."""
    now = now or utcnow()
    since = now - dt.timedelta(minutes=LOGIN_WINDOW_MINUTES)
    for k in keys:
        n = s.scalar(select(func.count(LoginFailure.id)).where(LoginFailure.key == k, LoginFailure.at >= since))
        if (n or 0) >= LOGIN_MAX_FAILURES:
            return True
    return False


def authenticate(s: Session, username: str, password: str, keys: list[str]) -> User | None:
    """The active user with this name and password, else None (and the failure is counted
    against ``keys``). Verifies a hash even for an unknown name, so timing tells nothing."""
    global _DUMMY_HASH
    u = s.scalar(select(User).where(User.username == username.strip()))
    if u is None or not u.active:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        _verify(_DUMMY_HASH, password)
        ok = False
    else:
        ok = _verify(u.password_hash, password)
    now = utcnow()
    if not ok:
        for k in keys:
            s.add(LoginFailure(key=k[:200], at=now))
        return None
    s.execute(delete(LoginFailure).where(LoginFailure.key.in_([k[:200] for k in keys])))
    assert u is not None
    if _hasher().check_needs_rehash(u.password_hash):
        u.password_hash = hash_password(password)
    return u


def new_session(s: Session, user_id: int, hours: int = SESSION_HOURS) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    s.add(
        LoginSession(
            token_hash=_digest(token), user_id=user_id, created_at=now, expires_at=now + dt.timedelta(hours=hours)
        )
    )
    # old sessions are swept here rather than by a timer
    s.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    return token


def session_principal(s: Session, token: str) -> Principal | None:
    row = s.execute(
        select(User, LoginSession.expires_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    u, expires = row
    if expires < utcnow() or not u.active:
        return None
    return principal_of(u)


def end_session(s: Session, token: str) -> None:
    s.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))


# --- API tokens ------------------------------------------------------------------------------


def new_api_token(s: Session, user_id: int, name: str) -> tuple[int, str]:
    """A token for scripts (``Authorization: Bearer gk_…``); shown once, stored as a hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    t = ApiToken(token_hash=_digest(token), user_id=user_id, name=name[:100] or "脚本", created_at=utcnow())
    s.add(t)
    s.flush()
    return t.id, token


def token_principal(s: Session, token: str) -> Principal | None:
    row = s.execute(
        select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id).where(ApiToken.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    u, t = row
    if t.revoked or not u.active:
        return None
    t.last_used = utcnow()
    return principal_of(u)


def api_tokens(s: Session, user_id: int) -> list[ApiToken]:
    return list(s.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def revoke_token(s: Session, user_id: int, token_id: int) -> bool:
    t = s.get(ApiToken, token_id)
    if t is None or t.user_id != user_id:
        return False
    t.revoked = True
    return True


# --- region scope ----------------------------------------------------------------------------


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scope_clause(region: str | None) -> Any:
    """SQL condition on ``Agency.region`` for a scope: the agency's region contains it (scope
    沂源县 takes 淄博市沂源县 and 沂源县, and the towns under them). None: no condition."""
    return region_contains(Agency.region, region)


def region_contains(column: Any, region: str | None) -> Any:
    """The same condition on any column holding a region (None: no condition)."""
    if not region:
        return None
    return column.like(f"%{_like_escape(region)}%", escape="\\")


def reports_in(region: str | None) -> Any:
    """SQL condition on ``ReportVersion`` for a region (as ``scope_clause``), through the
    region's agencies: they are found once in the agencies table, and their reports by index
    (a region test on a join ran once for every current report). None: no condition."""
    clause = scope_clause(region)
    if clause is None:
        return None
    return ReportVersion.agency_id.in_(select(Agency.id).where(clause))


def in_scope(agency_region: str | None, scope: str | None) -> bool:
    """The same test as ``scope_clause``, in Python."""
    if not scope:
        return True
    return agency_region is not None and scope in agency_region
