"""rich's console and tables for the commands, loaded on first use: importing rich costs about
25 ms, which a one-file ``gongkai parse`` (plain output) should not pay."""

from __future__ import annotations

from typing import Any


class LazyConsole:
    """A ``rich.console.Console`` made when something is first printed."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    @property
    def console(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


def Table(*columns: Any, **options: Any) -> Any:
    from rich.table import Table as RichTable

    return RichTable(*columns, **options)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)
