"""PDF: the official DOCX exported by LibreOffice headless (as agencies export theirs from Word).

Each call runs ``soffice`` in a private profile, so that it never collides with another
LibreOffice running on the machine; ``docx_files_to_pdf`` converts many files in one start
(starting LibreOffice is most of the cost of one document).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence

SOFFICE_TIMEOUT = 180
"""Seconds for one start of LibreOffice (per file converted, when converting many)."""


class PdfExportError(RuntimeError):
    pass


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise PdfExportError("未找到 LibreOffice（soffice），无法生成 PDF：请先运行 scripts/setup.sh")
    return exe


def docx_files_to_pdf(paths: Sequence[str], outdir: str) -> list[str]:
    """Convert DOCX files to PDFs in ``outdir`` (same stem); returns the PDF paths."""
    if not paths:
        return []
    with tempfile.TemporaryDirectory() as profile:
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}/profile", "--headless", "--norestore"]
        cmd += ["--convert-to", "pdf", "--outdir", outdir, *paths]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=SOFFICE_TIMEOUT * len(paths))
        except subprocess.TimeoutExpired:
            raise PdfExportError(f"LibreOffice 转换超时（{len(paths)} 个文件）") from None
        except subprocess.CalledProcessError as e:
            raise PdfExportError(f"LibreOffice 转换失败：{e.stderr.decode(errors='replace')[:300]}") from None
    out = [os.path.join(outdir, os.path.splitext(os.path.basename(p))[0] + ".pdf") for p in paths]
    missing = [p for p in out if not os.path.exists(p)]
    if missing:
        raise PdfExportError(f"LibreOffice 未生成 PDF：{', '.join(missing[:3])}")
    return out


def docx_to_pdf(docx: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "r.docx")
        with open(src, "wb") as f:
            f.write(docx)
        (pdf,) = docx_files_to_pdf([src], d)
        with open(pdf, "rb") as f:
            return f.read()
