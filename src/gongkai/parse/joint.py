"""Choose one reading per row for a whole table at once, exactly, with a CP-SAT model.

Rows whose cell boundaries are lost have several readings each; a table's identities link
the rows, so the best combination is a search over the product of the rows' readings. When
that product is too large to enumerate (dozens of rows, each with a handful of readings —
``0 0 3`` for seven cells), we hand it to OR-tools' CP-SAT solver, which proves the optimum,
and then ask it again for optimal combinations that differ from those found in some cell
still thought certain: a cell is certain only when the solver proves that no optimal
combination gives it another value.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SOLVER_WORK = 10.0
"""Work for all the solves of one table together, in the solver's deterministic seconds (about
a second each here): a table that needs more is left open (never guessed). Counted in work,
not time, so that a document reads the same on a busy machine as on a free one. A dump whose
blank cells left no trace can need 5–10 (a hundred tie rounds); most tables need none."""
SOLVER_SECONDS = 60.0
"""Wall-clock limit on top, a safeguard only (a machine slowed beyond all reason)."""
MAX_TIE_ROUNDS = 40
"""Rounds of "another optimum that differs somewhere"; each round settles at least one cell."""
COST_SCALE = 10
"""Reading costs are multiples of 0.1 (see decode.py); the solver wants integers."""

Ref = tuple[str, str]


Form = int | None
"""How a cell may be shown: a number, or None for blank."""


@dataclass(frozen=True)
class Option:
    """One reading of a row as the solver sees it: its values (blank as 0) and its scores."""

    values: tuple[int, ...]
    local_violations: int
    hint_misses: int
    cost: float
    forms: tuple[frozenset[Form], ...] | None = None
    """Per cell, the ways this reading may show it when it stands for several that differ only
    in which zeros are blank (``{0, None}``); None: exactly its values."""

    def cell_forms(self) -> tuple[frozenset[Form], ...]:
        return self.forms if self.forms is not None else tuple(frozenset({v}) for v in self.values)


@dataclass(frozen=True)
class Equation:
    lhs: tuple[Ref, ...]
    rhs: tuple[Ref, ...]
    label: str = ""
    """Equations sharing a label (a rule) are asked about together: see ``Solved.always_broken``."""


@dataclass
class Solved:
    violations: int
    """Identities broken by the best combination (spanning and the rows' own)."""
    chosen: dict[str, list[int]]
    """Per row, the options used by the optimal combinations found (first: the solver's first)."""
    always_broken: set[str]
    """Labels of which every optimal combination breaks at least one equation."""


def solve(
    options: dict[str, list[Option]],
    columns: dict[str, tuple[str, ...]],
    equations: Sequence[Equation],
    seconds: float | None = None,
    tie_rounds: int | None = None,
    work: float | None = None,
) -> Solved | None:
    """The combinations of options (one per row) that minimise, in order: identities broken,
    hint misses, cost. None when the solver cannot prove the optimum within its work limit
    (``work``, default ``SOLVER_WORK``; and ``seconds``, default ``SOLVER_SECONDS``) or which
    cells vary within ``tie_rounds`` (default ``MAX_TIE_ROUNDS``)."""
    from ortools.sat.python import cp_model  # a heavy import, needed only for large tables

    rows = list(options)
    model = cp_model.CpModel()
    pick = {r: [model.new_bool_var(f"{r}#{i}") for i in range(len(options[r]))] for r in rows}
    for r in rows:
        model.add_exactly_one(pick[r])
    col_index = {r: {c: j for j, c in enumerate(columns[r])} for r in rows}

    def cell(ref: Ref) -> Any:
        r, c = ref
        j = col_index[r][c]
        return sum(opt.values[j] * x for opt, x in zip(options[r], pick[r], strict=True))

    broken = []
    holds = []
    for k, eq in enumerate(equations):
        ok = model.new_bool_var(f"eq{k}")
        model.add(sum(cell(a) for a in eq.lhs) == sum(cell(b) for b in eq.rhs)).only_enforce_if(ok)
        broken.append(ok.Not())
        holds.append(ok)
    max_cost = sum(max(round(o.cost * COST_SCALE) for o in options[r]) for r in rows) + 1
    max_hints = sum(max(o.hint_misses for o in options[r]) for r in rows) + 1
    hint_weight = max_cost
    violation_weight = max_hints * hint_weight
    score = (
        violation_weight * (sum(broken) + _per_option(options, pick, lambda o: o.local_violations))
        + hint_weight * _per_option(options, pick, lambda o: o.hint_misses)
        + _per_option(options, pick, lambda o: round(o.cost * COST_SCALE))
    )
    model.minimize(score)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    deadline = time.monotonic() + (SOLVER_SECONDS if seconds is None else seconds)
    budget = [SOLVER_WORK if work is None else work]

    def run() -> Any:
        left = deadline - time.monotonic()
        if left <= 0 or budget[0] <= 0:
            return cp_model.UNKNOWN
        solver.parameters.max_time_in_seconds = left
        solver.parameters.max_deterministic_time = budget[0]
        status = solver.solve(model)
        budget[0] -= solver.response_proto.deterministic_time
        return status

    if run() != cp_model.OPTIMAL:
        return None
    best = round(solver.objective_value)
    violations = best // violation_weight
    first = {r: _picked(solver, pick[r]) for r in rows}
    chosen = {r: [i] for r, i in first.items()}
    # every further solution must be optimal and must differ in a cell not yet shown to vary
    model.clear_objective()
    model.add(score == best)
    always_broken: set[str] = set()
    for label in dict.fromkeys(eq.label for eq in equations) if violations else ():
        # can the optimum be reached with every equation of this label holding?
        gate = model.new_bool_var(f"keeps {label}")
        for eq, ok in zip(equations, holds, strict=True):
            if eq.label == label:
                model.add_implication(gate, ok)
        model.clear_assumptions()
        model.add_assumptions([gate])
        status = run()
        if status == cp_model.INFEASIBLE:
            always_broken.add(label)
        elif status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
    # a cell is settled while every optimum seen shows it one way (a number, or blank)
    forms = {r: [o.cell_forms() for o in options[r]] for r in rows}
    settled = {(r, j): f for r in rows for j, f in enumerate(forms[r][first[r]]) if len(f) == 1}
    for round_no in range(MAX_TIE_ROUNDS if tie_rounds is None else tie_rounds):
        if not settled:
            break
        gate = model.new_bool_var(f"differs{round_no}")
        differs = []
        for (r, j), shown in settled.items():
            same = [x for f, x in zip(forms[r], pick[r], strict=True) if f[j] == shown]
            if len(same) == len(pick[r]):
                continue  # every option of the row has this value: it cannot differ
            d = model.new_bool_var("")
            model.add(sum(same) == 0).only_enforce_if(d)
            differs.append(d)
        if not differs:
            break
        model.add_bool_or(differs).only_enforce_if(gate)
        model.clear_assumptions()
        model.add_assumptions([gate])
        status = run()
        if status == cp_model.INFEASIBLE:
            break
        if status != cp_model.OPTIMAL and status != cp_model.FEASIBLE:
            return None  # could not prove the remaining cells settled
        for r in rows:
            i = _picked(solver, pick[r])
            if i not in chosen[r]:
                chosen[r].append(i)
            for j in range(len(columns[r])):
                if (r, j) in settled and forms[r][i][j] != settled[(r, j)]:
                    del settled[(r, j)]
    else:
        return None
    return Solved(violations, chosen, always_broken)


def _per_option(options: dict[str, list[Option]], pick: dict[str, list[Any]], weight: Callable[[Option], int]) -> Any:
    return sum(weight(o) * x for r in options for o, x in zip(options[r], pick[r], strict=True) if weight(o))


def _picked(solver: Any, xs: list[Any]) -> int:
    return next(i for i, x in enumerate(xs) if solver.boolean_value(x))
