"""Settings of a web app instance (from ``gongkai serve`` options or the environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
UPLOAD_TYPES: tuple[str, ...] = (
    ".txt",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".shtml",
    ".docx",
    ".doc",
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
    ".zip",
)


DEFAULT_THREADS = 4
"""Requests a server process works on at once; the others wait their turn. Pages are computed in
Python, which runs one thread at a time: with the ASGI stack's 40 threads, 20 clients had the
threads fight over the interpreter — the report page's p95 ranged 150-490 ms from run to run,
against 115-155 ms with 4 (``bench/web_speed.py``, 2 cores). More cores are used by more
processes (``serve --workers``), not by more threads."""


def _env_bool(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


@dataclass
class Settings:
    db: str | None = None
    """SQLAlchemy URL or SQLite path (``--db``, ``GONGKAI_DB``, default ./gongkai.db)."""
    files: str | None = None
    """Folder for uploaded and fetched files (``GONGKAI_FILES``, default ./gongkai-files)."""
    public: bool = field(default_factory=lambda: _env_bool("GONGKAI_PUBLIC"))
    """Read-only public mode: visitors who are not logged in may read everything."""
    secure_cookies: bool = field(default_factory=lambda: _env_bool("GONGKAI_SECURE_COOKIES"))
    """Mark cookies Secure (behind HTTPS)."""
    threads: int = field(default_factory=lambda: int(os.environ.get("GONGKAI_THREADS") or DEFAULT_THREADS))
    """See DEFAULT_THREADS (``--threads``, ``GONGKAI_THREADS``)."""
    max_file_mb: int = 50
    max_request_mb: int = 300
    max_files: int = 500
    max_urls: int = 50
    zip_max_members: int = 5000
    zip_max_mb: int = 1000
    """Unpacked size of a ZIP archive's members, all together."""

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_request_bytes(self) -> int:
        return self.max_request_mb * MB

    @property
    def files_root(self) -> Path:
        return Path(self.files or os.environ.get("GONGKAI_FILES") or "gongkai-files").resolve()
