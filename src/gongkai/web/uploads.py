"""Accepting files and URLs: limits on number, size and type with clear Chinese messages,
then the files saved in the job's folder and the job queued for the worker. A refused request
leaves nothing behind."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.store import Store
from gongkai.store.accounts import Principal
from gongkai.store.files import FileStore, safe_name
from gongkai.store.jobs import create_job, queue
from gongkai.web.config import MB, UPLOAD_TYPES, Settings
from gongkai.web.security import HTTPError

COPY_CHUNK = 1024 * 1024


@dataclass
class Incoming:
    """A file of the request: its name and a readable binary stream (``size`` when known)."""

    name: str
    stream: Any
    size: int | None = None


def _ext(name: str) -> str:
    return Path(name).suffix.lower()


def _human(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def check_zip(path: Path, name: str, settings: Settings) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
    except zipfile.BadZipFile:
        if name.lower().endswith(".zip"):
            raise HTTPError(400, f"“{name}”不是有效的 ZIP 压缩包（文件已损坏或不完整）") from None
        return
    if any(i.filename == "word/document.xml" for i in infos):
        return  # a .docx
    if len(infos) > settings.zip_max_members:
        raise HTTPError(
            413, f"压缩包“{name}”内有 {len(infos)} 个文件，超过上限 {settings.zip_max_members} 个，请拆分后上传"
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > settings.zip_max_mb * MB:
        raise HTTPError(
            413, f"压缩包“{name}”解压后共 {_human(unpacked)}，超过上限 {settings.zip_max_mb} MB，请拆分后上传"
        )
    big = [i for i in infos if i.file_size > settings.max_file_bytes]
    if big:
        raise HTTPError(
            413,
            f"压缩包“{name}”中的“{big[0].filename}”为 {_human(big[0].file_size)}，"
            f"单个文件不能超过 {settings.max_file_mb} MB",
        )


def validate_names(files: list[Incoming], urls: list[str], settings: Settings) -> list[str]:
    """Checks that need no bytes: counts, types, declared sizes; returns the cleaned URLs."""
    clean_urls = [u.strip() for u in urls if u and u.strip()]
    if not files and not clean_urls:
        raise HTTPError(400, "请选择要上传的报告文件，或填写报告网址")
    if len(files) > settings.max_files:
        raise HTTPError(413, f"一次最多上传 {settings.max_files} 个文件（本次 {len(files)} 个），请分批上传")
    if len(clean_urls) > settings.max_urls:
        raise HTTPError(413, f"一次最多 {settings.max_urls} 个网址（本次 {len(clean_urls)} 个）")
    bad = [f.name for f in files if _ext(f.name) not in UPLOAD_TYPES]
    if bad:
        allowed = "、".join(t.lstrip(".").upper() for t in UPLOAD_TYPES)
        raise HTTPError(415, f"不支持的文件类型：“{bad[0]}”{'等' if len(bad) > 1 else ''}。支持的类型：{allowed}")
    for f in files:
        if f.size is not None and f.size > settings.max_file_bytes:
            raise HTTPError(413, f"文件过大：“{f.name}”为 {_human(f.size)}，单个文件不能超过 {settings.max_file_mb} MB")
    for u in clean_urls:
        if not u.startswith(("http://", "https://")):
            raise HTTPError(400, f"网址必须以 http:// 或 https:// 开头：“{u[:100]}”")
    return clean_urls


def submit(
    store: Store, files_store: FileStore, settings: Settings, p: Principal, files: list[Incoming], urls: list[str]
) -> list[int]:
    """Validate, save and queue: one job for the files, one for the URLs. Returns job ids."""
    if not p.can_write:
        raise HTTPError(403, "只读用户不能上传报告（需要审核人员或管理员权限）")
    clean_urls = validate_names(files, urls, settings)
    jobs: list[int] = []
    if files:
        with store.session() as s:
            jid = create_job(s, "upload", [f.name for f in files], p.user_id, p.region, status="preparing")
        folder = files_store.job_dir(jid)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            used: set[str] = set()
            for f in files:
                name = safe_name(f.name)
                stem, ext = Path(name).stem, Path(name).suffix
                n = 1
                while name in used:
                    n += 1
                    name = f"{stem}-{n}{ext}"
                used.add(name)
                target = folder / name
                size = 0
                with open(target, "wb") as out:
                    while chunk := f.stream.read(COPY_CHUNK):
                        size += len(chunk)
                        if size > settings.max_file_bytes:
                            raise HTTPError(
                                413, f"文件过大：“{f.name}”超过 {settings.max_file_mb} MB（单个文件的上限）"
                            )
                        out.write(chunk)
                if size == 0:
                    raise HTTPError(400, f"“{f.name}”是空文件")
                if _ext(name) in (".zip", ".docx"):
                    check_zip(target, f.name, settings)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            with store.session() as s:
                from gongkai.store.jobs import JobRow

                row = s.get(JobRow, jid)
                if row is not None:
                    s.delete(row)
            raise
        with store.session() as s:
            queue(s, jid)
        jobs.append(jid)
    if clean_urls:
        with store.session() as s:
            jobs.append(create_job(s, "urls", clean_urls, p.user_id, p.region))
    return jobs
