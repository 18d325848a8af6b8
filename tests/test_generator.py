"""The generator itself: deterministic, consistent when asked, defects break only their rule."""

from __future__ import annotations

from hypothesis import given, settings

from gongkai.model.template import TEMPLATES
from gongkai.testing.damage import TEXT_DAMAGES, blank_zeros
from gongkai.testing.defects import ARITHMETIC_DEFECTS
from gongkai.testing.generate import GeneratedReport, generate
from gongkai.testing.strategies import SEEDS, consistent_reports, inconsistent_reports


def broken_rules(gen: GeneratedReport) -> set[str]:
    r = gen.report
    t = TEMPLATES[r.template or ""]
    out = set()
    for i in t.identities:
        table = "appeals" if i.rule == "t4_total" else "applications"
        try:
            lhs = sum(r.value(table, a, b) or 0 for a, b in i.lhs)
            rhs = sum(r.value(table, a, b) or 0 for a, b in i.rhs)
        except TypeError:
            continue
        if lhs != rhs:
            out.add(i.rule)
    return out


@given(SEEDS)
def test_deterministic(seed: int) -> None:
    a, b = generate(seed), generate(seed)
    assert a.report.to_json() == b.report.to_json()
    assert a.defects == b.defects


@settings(max_examples=300)
@given(consistent_reports())
def test_consistent_reports_satisfy_every_identity(gen: GeneratedReport) -> None:
    assert broken_rules(gen) == set()
    assert gen.expected == frozenset()


@settings(max_examples=300)
@given(inconsistent_reports())
def test_arithmetic_defect_breaks_exactly_its_rule(gen: GeneratedReport) -> None:
    assert broken_rules(gen) == set(gen.defects) & set(ARITHMETIC_DEFECTS)


@given(SEEDS)
def test_damages_are_deterministic(seed: int) -> None:
    text = "一、总体情况\n本年度共收到政府信息公开申请12件。\n规章\t0\t0\t0"
    for fn in TEXT_DAMAGES.values():
        assert fn(text, seed) == fn(text, seed)


def test_blank_zeros_changes_truth_not_input() -> None:
    gen = generate(3, "v2021", defects=())
    out = blank_zeros(gen, 3)
    assert gen.blanks == ()
    assert out.blanks and "blank_cells" in out.expected
