"""Consistent tables 2, 3 and 4 with realistic magnitudes for an agency of a given level.

Every cell is a ``Cell`` whose ``raw`` is the text the rendered document shows, so the
renderers print exactly what the model holds and a reader can be checked cell by cell.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from gongkai.model.report import Cell, Number, TableCells
from gongkai.model.template import APPLICANT_PARTS, Template, outcome_rows
from gongkai.testing.names import Level


@dataclass(frozen=True)
class Scale:
    applications: tuple[int, int]
    """Range of applications received in a year."""
    licensing: tuple[int, int]
    penalties: tuple[int, int]
    coercion: tuple[int, int]
    fees: tuple[float, float]
    """万元."""
    normative: tuple[int, int]
    makes_regulations: bool
    appeals: tuple[int, int]
    """Range of each table-4 cell count before summing."""


SCALES: dict[Level, Scale] = {
    "township": Scale((0, 4), (0, 300), (0, 40), (0, 5), (0.0, 50.0), (0, 3), False, (0, 0)),
    "county_dept": Scale((0, 25), (0, 80000), (0, 3000), (0, 300), (0.0, 40000.0), (0, 8), False, (0, 1)),
    "county_gov": Scale((10, 250), (100, 120000), (50, 8000), (0, 800), (0.0, 90000.0), (0, 30), False, (0, 3)),
    "city_dept": Scale((0, 150), (0, 200000), (0, 9000), (0, 900), (0.0, 150000.0), (0, 20), False, (0, 2)),
    "city_gov": Scale((100, 1800), (1000, 400000), (500, 40000), (0, 4000), (100.0, 600000.0), (5, 60), True, (0, 12)),
    "province_dept": Scale((20, 900), (0, 300000), (0, 20000), (0, 2000), (0.0, 300000.0), (0, 40), False, (0, 8)),
    "province_gov": Scale(
        (400, 9000), (5000, 900000), (1000, 90000), (0, 9000), (1000.0, 900000.0), (10, 90), True, (0, 60)
    ),
}

# Shares of applicants and of outcomes seen in real reports: most applicants are natural
# persons; about half of the requests are disclosed, a fifth are 'not held'.
_APPLICANT_WEIGHTS = {
    "natural_person": 88,
    "business": 6,
    "research": 0.5,
    "public_interest": 0.5,
    "legal_service": 3,
    "other_org": 2,
}
_OUTCOME_WEIGHTS = {
    "disclosed": 45,
    "partly_disclosed": 8,
    "withheld_state_secret": 0.3,
    "withheld_prohibited_by_law": 0.5,
    "withheld_security_stability": 0.3,
    "withheld_third_party": 1.5,
    "withheld_internal_affairs": 1.5,
    "withheld_process_info": 2,
    "withheld_enforcement_file": 1,
    "withheld_query_matter": 1.5,
    "unavailable_not_held": 22,
    "unavailable_needs_creation": 3,
    "unavailable_unclear": 2,
    "not_processed_complaint": 3,
    "not_processed_duplicate": 2,
    "not_processed_publication": 0.3,
    "not_processed_excessive": 0.3,
    "not_processed_confirmation": 0.5,
    "other_no_correction": 2,
    "other_unpaid_fee": 0.3,
    "other_other": 3,
    "other": 5,
}
CARRY_FORWARD_SHARE = (0.0, 0.08)


def count_cell(n: int) -> Cell:
    return Cell(n, str(n))


def amount_cell(x: float) -> Cell:
    if x == int(x):
        return Cell(int(x), str(int(x)))
    return Cell(round(x, 2), f"{x:.2f}".rstrip("0").rstrip("."))


def signed_cell(rng: random.Random, n: int) -> Cell:
    """``change``: written ``增 69`` / ``减 8`` / ``+69`` / ``-8`` / ``69`` (documents vary)."""
    if n == 0:
        return Cell(0, "0")
    style = rng.randrange(4)
    if style == 0:
        raw = f"增{n}" if n > 0 else f"减{-n}"
    elif style == 1:
        raw = f"增 {n}" if n > 0 else f"减 {-n}"
    elif style == 2:
        raw = f"+{n}" if n > 0 else str(n)
    else:
        raw = str(n)
    return Cell(n, raw)


def _split(rng: random.Random, total: int, weights: dict[str, float]) -> dict[str, int]:
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    if total <= 0:
        return out
    for k in rng.choices(keys, weights=[weights[k] for k in keys], k=total):
        out[k] += 1
    return out


def _log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    """Counts spread over orders of magnitude: small offices are common, large ones rare."""
    if hi <= lo:
        return lo
    return min(hi, lo + round((hi - lo + 1) ** rng.random()) - 1)


def applications(
    rng: random.Random,
    t: Template,
    scale: Scale,
    carried_over: Mapping[str, int] | None = None,
    steady: bool = False,
) -> TableCells:
    """Table 3. ``carried_over`` continues last year's 结转下年度 (per applicant column);
    ``steady`` carries forward as many as were carried over (so that a copy of this table as
    next year's still continues it)."""
    spec = t.table("applications")
    outcomes = outcome_rows(spec)
    weights = {k: _OUTCOME_WEIGHTS[k] for k in outcomes}
    received = _split(rng, _log_uniform(rng, *scale.applications), _APPLICANT_WEIGHTS)
    values: dict[str, dict[str, int]] = {r.key: {} for r in spec.rows}
    for col in APPLICANT_PARTS:
        before = carried_over[col] if carried_over is not None else rng.randint(0, max(0, received[col] // 12))
        available = received[col] + before
        forward = before if steady else int(available * rng.uniform(*CARRY_FORWARD_SHARE))
        split = _split(rng, available - forward, weights)
        values["received"][col] = received[col]
        values["carried_over"][col] = before
        for k in outcomes:
            values[k][col] = split[k]
        values["processed_total"][col] = available - forward
        values["carried_forward"][col] = forward
    table: TableCells = {}
    for r in spec.rows:
        row = values[r.key]
        row["total"] = sum(row[c] for c in APPLICANT_PARTS)
        table[r.key] = {c.key: count_cell(row[c.key]) for c in spec.columns}
    return table


def appeals(rng: random.Random, t: Template, scale: Scale) -> TableCells:
    spec = t.table("appeals")
    table: TableCells = {}
    for r in spec.rows:
        parts = {
            c: rng.randint(*scale.appeals) if rng.random() < 0.4 else 0
            for c in ("upheld", "corrected", "other", "pending")
        }
        cells = {k: count_cell(v) for k, v in parts.items()}
        cells["total"] = count_cell(sum(parts.values()))
        table[r.key] = cells
    return table


def _fees(rng: random.Random, scale: Scale) -> float:
    if rng.random() < 0.45:
        return 0.0
    x = rng.uniform(*scale.fees) * rng.random() ** 2
    return round(x, rng.choice((0, 1, 2, 2, 4)))


def active_v2021(
    rng: random.Random, scale: Scale, in_force_before: Mapping[str, int] | None = None, steady: bool = False
) -> TableCells:
    """Table 2 of v2021. ``in_force_before`` (row → last year's 现行有效件数) makes 现行有效 continue
    it: last year's + 本年制发 − 本年废止, never repealing more than there was; ``steady`` repeals as
    many as are issued (a copy of this table as next year's still continues it)."""

    def docs(row: str, lo: int, hi: int) -> dict[str, Cell]:
        issued = rng.randint(lo, hi)
        repealed = rng.randint(0, max(0, hi // 3))
        if in_force_before is None:
            in_force = issued + rng.randint(0, hi * 8)
        else:
            before = in_force_before[row]
            repealed = min(repealed, before + issued)
            in_force = before + issued - repealed
        if steady:
            in_force += repealed - issued
            repealed = issued
        return {"issued": count_cell(issued), "repealed": count_cell(repealed), "in_force": count_cell(in_force)}

    def none(row: str) -> dict[str, Cell]:
        kept = in_force_before[row] if in_force_before is not None else 0
        return {"issued": count_cell(0), "repealed": count_cell(0), "in_force": count_cell(kept)}

    return {
        "regulations": docs("regulations", 0, 6) if scale.makes_regulations else none("regulations"),
        "normative_documents": docs("normative_documents", *scale.normative),
        "licensing": {"decisions": count_cell(_log_uniform(rng, *scale.licensing) if rng.random() < 0.7 else 0)},
        "penalties": {"decisions": count_cell(_log_uniform(rng, *scale.penalties) if rng.random() < 0.6 else 0)},
        "coercion": {"decisions": count_cell(_log_uniform(rng, *scale.coercion) if rng.random() < 0.4 else 0)},
        "fees": {"amount": amount_cell(_fees(rng, scale))},
    }


def active_v2019(rng: random.Random, scale: Scale, prior_before: Mapping[str, int] | None = None) -> TableCells:
    """Table 2 of v2019. ``prior_before`` (row → last year's 上一年项目数量 + 本年增/减) makes
    上一年项目数量 continue last year's report."""

    def docs(lo: int, hi: int) -> dict[str, Cell]:
        made = rng.randint(lo, hi)
        published = made if rng.random() < 0.8 else rng.randint(0, made)
        total = published + rng.randint(0, hi * 8)
        return {"made": count_cell(made), "published": count_cell(published), "total_published": count_cell(total)}

    def items(row: str, hi_decisions: tuple[int, int]) -> dict[str, Cell]:
        prior = prior_before[row] if prior_before is not None else rng.randint(0, 400)
        change = rng.randint(-min(prior, 20), 80) if rng.random() < 0.5 else 0
        decisions = _log_uniform(rng, *hi_decisions) if prior + change > 0 else 0
        return {
            "prior_items": count_cell(prior),
            "change": signed_cell(rng, change),
            "decisions": count_cell(decisions),
        }

    zero = {"made": count_cell(0), "published": count_cell(0), "total_published": count_cell(0)}
    fees_prior = prior_before["fees"] if prior_before is not None else rng.randint(0, 40)
    fees_change = rng.randint(-min(fees_prior, 5), 3) if rng.random() < 0.3 else 0
    projects = rng.randint(0, 300) if rng.random() < 0.5 else 0
    amount: Number = round(projects * rng.uniform(1e4, 2e6), 2) if projects else 0
    return {
        "regulations": docs(0, 6) if scale.makes_regulations else zero,
        "normative_documents": docs(*scale.normative),
        "licensing": items("licensing", scale.licensing),
        "other_services": items("other_services", (0, 20000)),
        "penalties": items("penalties", scale.penalties),
        "coercion": items("coercion", scale.coercion),
        "fees": {"prior_items": count_cell(fees_prior), "change": signed_cell(rng, fees_change)},
        "procurement": {"projects": count_cell(projects), "amount": amount_cell(float(amount))},
    }


def tables(rng: random.Random, t: Template, scale: Scale) -> dict[str, TableCells | None]:
    active = active_v2021(rng, scale) if t.version == "v2021" else active_v2019(rng, scale)
    return {"active_disclosure": active, "applications": applications(rng, t, scale), "appeals": appeals(rng, t, scale)}
