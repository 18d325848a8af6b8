"""``gongkai render``, ``register``, ``compose`` and ``compile``: thin shells over
``gongkai.render``, ``gongkai.compose`` and ``gongkai.analysis.compile``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from gongkai.cli import app

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_ERRORS = 1
EXIT_BAD_INPUT = 2

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="输出格式：docx、pdf、html、md（默认按 -o 的扩展名）")
]
OfficialFontsOpt = Annotated[
    bool,
    typer.Option("--official-fonts", help="使用公文字体名（仿宋_GB2312、黑体、方正小标宋简体），供在 Word 中编辑"),
]


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err.print(f"[bold red]错误[/] {escape(message)}")
    return typer.Exit(code)


def _output_format(output: Path, fmt: str | None) -> str:
    from gongkai.render import RENDER_FORMATS, format_of

    fmt = (fmt or format_of(str(output)) or "").lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in RENDER_FORMATS:
        raise _fail(f"无法确定输出格式（{output}）：请用 --format 指定 {'、'.join(RENDER_FORMATS)} 之一")
    return fmt


def write_report(report: object, output: Path, fmt: str, official_fonts: bool = False) -> None:
    from gongkai.render import render_file
    from gongkai.render.pdf import PdfExportError

    try:
        render_file(report, str(output), fmt, official_fonts=official_fonts)  # type: ignore[arg-type]
    except PdfExportError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"无法写入 {output}：{e.strerror or e}") from None
    out.print(f"已写入 [bold]{escape(str(output))}[/]（{fmt}）")


@app.command("render")
def render_cmd(
    report: Annotated[Path, typer.Argument(help="报告：gongkai parse --json 的 JSON，或任何可读取的报告文件")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件")],
    fmt: FormatOpt = None,
    official_fonts: OfficialFontsOpt = False,
) -> None:
    """按国家统一格式排版输出报告（DOCX、PDF、HTML、Markdown）。"""
    from gongkai.readers.document import ReadError
    from gongkai.render.source import ReportSourceError, load_report

    kind = _output_format(output, fmt)
    try:
        r = load_report(str(report))
    except ReportSourceError as e:
        raise _fail(str(e)) from None
    except ReadError as e:
        raise _fail(f"{e.path}：{e.reason}") from None
    write_report(r, output, kind, official_fonts)
