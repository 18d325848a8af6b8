"""Checks: one registered function per rule id of ``shared/spec/checks.md``."""

from __future__ import annotations

from gongkai.checks.registry import RULES, Rule, rule
from gongkai.model.report import Finding, Report

__all__ = ["RULES", "Rule", "rule", "run_checks"]


def _load() -> None:
    # importing the rule modules registers their rules
    from gongkai.checks import arithmetic, dates, narrative, structure  # noqa: F401


def run_checks(report: Report, rules: list[str] | None = None) -> list[Finding]:
    """Run the single-report rules on ``report``; findings in rule order."""
    _load()
    out: list[Finding] = []
    for r in RULES.values():
        if rules is not None and r.id not in rules:
            continue
        if report.template is not None and report.template not in r.templates:
            continue
        out.extend(r.fn(report))
    return out
