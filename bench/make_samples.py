"""Regenerate the sample reports shipped in src/gongkai/samples/ (made by gongkai's own
generator, so the package carries no third-party text).

    python bench/make_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongkai.render.html import render_html  # noqa: E402
from gongkai.render.text import TEXT_RENDERERS  # noqa: E402
from gongkai.testing.generate import generate  # noqa: E402

OUT = ROOT / "src" / "gongkai" / "samples"
SAMPLES = (
    # file name, seed, template, defects, level, format
    ("county-dept.txt", 101, "v2021", (), "county_dept", "tsv"),
    ("city-gov.html", 202, "v2021", (), "city_gov", "html"),
    ("township.md", 303, "v2019", (), "township", "markdown"),
    ("county-gov-defects.txt", 404, "v2021", ("t3_balance", "narrative_mismatch"), "county_gov", "cells"),
    ("province-dept-defects.txt", 505, "v2019", ("t4_total", "signed_before_period_end"), "province_dept", "pdftext"),
)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.suffix in (".txt", ".md", ".html"):
            old.unlink()
    for name, seed, template, defects, level, fmt in SAMPLES:
        gen = generate(seed, template, defects=defects, level=level)  # type: ignore[arg-type]
        text = render_html(gen.report) if fmt == "html" else TEXT_RENDERERS[fmt](gen.report)
        year = gen.report.year
        path = OUT / name
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {gen.report.agency} {year} {gen.report.template} defects={list(gen.defects)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
