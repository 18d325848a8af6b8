"""Command line: each command is a thin shell over the Python API."""

from __future__ import annotations

import contextlib

import typer

app = typer.Typer(
    name="gongkai",
    help="政府信息公开工作年度报告：读取、核查、入库、比较。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
