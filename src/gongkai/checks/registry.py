"""Rule registry: one function per rule id, registered with its severity and templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gongkai.model.report import Finding, Report, Severity

RuleFn = Callable[[Report], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    fn: RuleFn
    templates: tuple[str, ...] = ("v2019", "v2021")
    scope: str = "report"
    """``report`` rules need one report; ``across`` rules need the store (other reports)."""


RULES: dict[str, Rule] = {}


def rule(
    id: str, severity: Severity, title: str, templates: tuple[str, ...] = ("v2019", "v2021")
) -> Callable[[RuleFn], RuleFn]:
    """Register a single-report rule. The function yields findings; it may yield a
    finding of rule ``not_checkable`` when its inputs are missing."""

    def deco(fn: RuleFn) -> RuleFn:
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        RULES[id] = Rule(id, severity, title, fn, templates)
        return fn

    return deco
