"""Where the web app keeps the files it is given, and how a stored report's file is found again
(to show where a number came from, or to parse it again).

Uploads go to ``<root>/jobs/<job id>/<name>`` and are ingested from there, so the store's
``source_files.location`` is that path (``…/archive.zip!member`` for a ZIP's member). Pages
fetched from a URL are kept by their SHA-256 under ``<root>/blobs/``, because their location is
the URL. A file found again is checked against the SHA-256 the store recorded.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = "gongkai-files"
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


def safe_name(name: str) -> str:
    """A file name without directories or characters a file system refuses (keeps Chinese)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:180] or "未命名"


@dataclass(frozen=True)
class FileStore:
    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> FileStore:
        return cls(Path(root or os.environ.get("GONGKAI_FILES") or DEFAULT_ROOT).resolve())

    def job_dir(self, job_id: int) -> Path:
        return self.root / "jobs" / str(job_id)

    def blob(self, sha256: str) -> Path:
        return self.root / "blobs" / sha256[:2] / sha256

    def keep(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        p = self.blob(sha)
        if not p.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(p)
        return sha

    def read(self, location: str, sha256: str) -> bytes | None:
        """The bytes of a stored report's file, or None when they are not here (any more):
        its path (or ZIP member), else the blob kept by SHA-256. Bytes that changed since
        they were stored do not count."""
        for data in self._candidates(location, sha256):
            if data is not None and hashlib.sha256(data).hexdigest() == sha256:
                return data
        return None

    def _candidates(self, location: str, sha256: str) -> list[bytes | None]:
        out: list[bytes | None] = []
        b = self.blob(sha256)
        if b.is_file():
            out.append(b.read_bytes())
        if location.startswith(("http://", "https://")):
            return out
        if "!" in location:
            path, member = location.split("!", 1)
            try:
                with zipfile.ZipFile(path) as z:
                    out.append(z.read(member))
            except (OSError, KeyError, zipfile.BadZipFile):
                pass
        try:
            if os.path.isfile(location):
                with open(location, "rb") as f:
                    out.append(f.read())
        except OSError:
            pass
        return out
