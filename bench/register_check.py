"""Registers at scale: many generated registers (two years of applications, holidays and make-up
working days inside), written as XLSX, read back, table 3 of each year and the overdue,
near-due and late lists compared with the independent computation of tests/test_register.py.

    python bench/register_check.py --registers 20 --size 400
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from gongkai.compose.calendar import WorkCalendar  # noqa: E402
from gongkai.compose.deadlines import due_status  # noqa: E402
from gongkai.compose.register import read_register  # noqa: E402
from gongkai.compose.table3 import table3  # noqa: E402
from test_register import (  # noqa: E402
    WORKDAYS,
    _write_xlsx,
    independent_due,
    independent_table3,
    make_register,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registers", type=int, default=20)
    ap.add_argument("--size", type=int, default=400, help="applications per register")
    args = ap.parse_args()
    cal = WorkCalendar.load()
    today = dt.date(2025, 1, 10)
    apps = cells = cells_same = due = due_same = planted = reported = 0
    read_s = 0.0
    with tempfile.TemporaryDirectory() as d:
        for k in range(args.registers):
            rows, truth, bad = make_register(1000 + k, args.size)
            path = Path(d) / f"r{k}.xlsx"
            _write_xlsx(rows, path)
            t0 = time.perf_counter()
            reg = read_register(path)
            read_s += time.perf_counter() - t0
            apps += len(reg.applications)
            planted += len(bad)
            reported += len({p.row for p in reg.problems} & bad)
            for year, tpl in ((2023, "v2021"), (2024, "v2021"), (2024, "v2019")):
                t = table3(reg.applications, year, tpl)
                want = independent_table3(truth, year, tpl)
                for r, cols in want.items():
                    for c, v in cols.items():
                        cells += 1
                        cells_same += t.count(r, c) == v
            for a in reg.applications:
                s = due_status(a, cal, today)
                waiting = a.correction_sent is not None and a.correction_received is None
                if waiting:
                    continue
                d_ind = independent_due(a)
                due += 1
                if a.replied is None:
                    want_status = (
                        "overdue"
                        if d_ind < today
                        else ("near_due" if len([x for x in WORKDAYS if today < x <= d_ind]) <= 5 else "open")
                    )
                else:
                    want_status = "late" if a.replied > d_ind else "on_time"
                due_same += s.deadline.due == d_ind and s.status == want_status
    print(
        f"registers: {args.registers} × {args.size} rows; {apps} applications read, "
        f"{read_s / args.registers * 1000:.0f} ms per register (XLSX)"
    )
    print(f"unknown wordings planted: {planted}, reported with their row: {reported}")
    print(f"table 3 cells (2023 v2021, 2024 v2021, 2024 v2019): {cells_same}/{cells} equal to the independent count")
    print(f"deadlines and status (overdue/near-due/late/on time): {due_same}/{due} equal to the independent count")


if __name__ == "__main__":
    main()
