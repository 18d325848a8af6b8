"""Hypothesis strategies built on the generator: consistent and deliberately inconsistent
reports of both templates. Seeds drive everything, so a failing example shrinks to a seed."""

from __future__ import annotations

from hypothesis import strategies as st

from gongkai.testing.defects import ARITHMETIC_DEFECTS
from gongkai.testing.generate import GeneratedReport, generate

SEEDS = st.integers(min_value=0, max_value=2**31 - 1)
TEMPLATES = st.sampled_from(("v2019", "v2021"))


def consistent_reports(template: str | None = None) -> st.SearchStrategy[GeneratedReport]:
    """Reports with no planted defect: every identity holds."""
    tpl = st.just(template) if template else TEMPLATES
    return st.builds(lambda s, t: generate(s, t, defects=()), SEEDS, tpl)


def inconsistent_reports(template: str | None = None) -> st.SearchStrategy[GeneratedReport]:
    """Reports with exactly one planted arithmetic defect."""
    tpl = st.just(template) if template else TEMPLATES
    return st.builds(lambda s, t, d: generate(s, t, defects=(d,)), SEEDS, tpl, st.sampled_from(ARITHMETIC_DEFECTS))


def any_reports(template: str | None = None) -> st.SearchStrategy[GeneratedReport]:
    """Reports as the generator draws them (half clean, others with one or two defects)."""
    tpl = st.just(template) if template else TEMPLATES
    return st.builds(generate, SEEDS, tpl)
