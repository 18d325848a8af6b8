"""Agency levels (a module of its own: the command line's help names them without loading the store)."""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("省", "市", "县", "乡镇街道", "部门")
