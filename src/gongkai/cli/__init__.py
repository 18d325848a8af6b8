"""Command line: each command is a thin shell over the Python API.

Command modules import only typer at load time; what a command needs (the parser, the store,
rich) is imported when it runs, so ``gongkai --help`` and a one-file ``gongkai parse`` start fast.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="gongkai",
    help="政府信息公开工作年度报告：读取、核查、入库、比较。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with rich costs more than the rest of start-up
)


LimitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        help="每份文件的读取限制 KEY=VALUE，可重复：seconds（秒）、memory_mb、pages、file_mb、unpacked_mb、"
        "xml_mb、megapixels；也可用环境变量 GONGKAI_LIMITS",
        show_default=False,
    ),
]


def limits_from(opts: list[str] | None) -> Any:
    """``--limit`` values over ``GONGKAI_LIMITS``; a bad one ends the command with its reason."""
    from gongkai.readers.limits import Limits

    try:
        return Limits.parse(opts, Limits.from_env())
    except ValueError as e:
        typer.echo(f"参数错误：{e}", err=True)
        raise typer.Exit(2) from None


def _register() -> None:
    import importlib

    from gongkai.cli import report_cmds  # noqa: F401

    # the store commands arrive with the store stage; the CLI works without them
    with contextlib.suppress(ImportError):
        importlib.import_module("gongkai.cli.store_cmds")
    with contextlib.suppress(ImportError):
        importlib.import_module("gongkai.cli.compose_cmds")
    with contextlib.suppress(ImportError):
        importlib.import_module("gongkai.cli.web_cmds")


def main() -> None:
    _register()
    app()
