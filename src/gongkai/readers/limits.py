"""Limits on what one document may cost to read: time, memory, pages, decompressed size, pixels.

The defaults are far above any real report (a report is 5–60 pages, a few MB; a 600 dpi A3
colour scan is 70 megapixels) and far below what would hurt the machine. Readers check the
structural limits (size, pages, pixels, decompressed bytes) from headers, before decoding;
the time limit is checked between pages and, in worker processes (``gongkai.sandbox``),
enforced by the parent; the memory limit is an address-space limit on the worker.

Set them with ``--limit KEY=VALUE`` on the command line, ``GONGKAI_LIMITS="pages=500,seconds=60"``
in the environment, or ``Limits(...)`` in Python (``with limits.applied(...)``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from gongkai.readers.document import ReadError

ENV = "GONGKAI_LIMITS"
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    seconds: float = 300.0
    """Wall time to read and parse one document (a 60-page scan takes about a minute)."""
    memory_mb: int = 1536
    """Memory one document may add to its worker process (its data segment)."""
    pages: int = 200
    """Pages of a PDF, frames of a TIFF."""
    file_mb: int = 200
    """Size of one file as stored (refused from its size, before it is read)."""
    unpacked_mb: int = 200
    """Bytes a DOCX package or a ZIP member expands to (from the archive's own directory)."""
    xml_mb: int = 32
    """Size of the XML of one DOCX part (a report's document.xml is well under 1 MB)."""
    megapixels: float = 100.0
    """Pixels of one image, one TIFF frame, one embedded PDF image or one page rendered for OCR."""

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * MB)

    @property
    def unpacked_bytes(self) -> int:
        return int(self.unpacked_mb * MB)

    @property
    def xml_bytes(self) -> int:
        return int(self.xml_mb * MB)

    @property
    def pixels(self) -> int:
        return int(self.megapixels * 1_000_000)

    def replace(self, **changes: float) -> Limits:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def parse(cls, spec: str | list[str] | None, base: Limits | None = None) -> Limits:
        """``"pages=500,seconds=60"`` (or a list of ``KEY=VALUE``) over ``base``; ValueError
        with a Chinese message for an unknown key or a bad value."""
        out = base or cls()
        items: list[str] = []
        for part in [spec] if isinstance(spec, str) else spec or []:
            items += [p.strip() for p in part.split(",") if p.strip()]
        fields = {f.name: f for f in dataclasses.fields(cls)}
        changes: dict[str, float] = {}
        for item in items:
            key, sep, value = item.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or key not in fields:
                raise ValueError(f"未知的限制项：{item}（可用：{'、'.join(fields)}）")
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"限制项 {key} 的值不是数字：{value}") from None
            if number <= 0:
                raise ValueError(f"限制项 {key} 必须大于 0：{value}")
            changes[key] = int(number) if fields[key].type == "int" else number
        return dataclasses.replace(out, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls) -> Limits:
        return cls.parse(os.environ.get(ENV))


_limits: ContextVar[Limits | None] = ContextVar("gongkai_limits", default=None)
_deadline: ContextVar[float | None] = ContextVar("gongkai_deadline", default=None)


def current() -> Limits:
    """The limits in force: those applied around this call, else ``GONGKAI_LIMITS``, else defaults."""
    got = _limits.get()
    return got if got is not None else Limits.from_env()


@contextlib.contextmanager
def applied(limits: Limits | None = None, *, timed: bool = True) -> Iterator[Limits]:
    """Read under ``limits`` (default: ``current()``); with ``timed``, the time limit starts now."""
    lim = limits or current()
    t1 = _limits.set(lim)
    t2 = _deadline.set(time.monotonic() + lim.seconds if timed else _deadline.get())
    try:
        yield lim
    finally:
        _deadline.reset(t2)
        _limits.reset(t1)


def check_time(path: str) -> None:
    """Raise ``ReadError`` (timeout) once the document's time is up (readers call it between pages)."""
    end = _deadline.get()
    if end is not None and time.monotonic() > end:
        raise timeout_error(path, current().seconds)


def timeout_error(path: str, seconds: float) -> ReadError:
    return ReadError(path, f"读取超时（超过 {seconds:g} 秒），已停止；可用 --limit seconds=N 放宽", "timeout")


def too_large(path: str, what: str, size: float, limit: float, unit: str, key: str) -> ReadError:
    return ReadError(
        path, f"{what}（{size:,.0f} {unit}）超过上限 {limit:,.0f} {unit}；可用 --limit {key}=N 放宽", "too_large"
    )


def check_pixels(path: str, width: int, height: int, what: str) -> None:
    lim = current()
    if width * height > lim.pixels:
        raise ReadError(
            path,
            f"{what}尺寸过大（{width} × {height} 像素，{width * height / 1e6:,.0f} 百万像素），"
            f"超过上限 {lim.megapixels:g} 百万像素；可用 --limit megapixels=N 放宽",
            "too_large",
        )


def check_pages(path: str, pages: int, what: str = "页", counted: bool = True) -> None:
    """``pages`` over the limit is refused; ``counted=False``: counting stopped past the limit."""
    lim = current()
    if pages > lim.pages:
        many = f"共 {pages:,} {what}" if counted else f"多于 {lim.pages} {what}"
        raise ReadError(path, f"{many}，超过上限 {lim.pages} {what}；可用 --limit pages=N 放宽", "too_large")
