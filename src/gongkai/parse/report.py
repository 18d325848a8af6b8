"""Intermediate document → canonical Report."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence

from gongkai.model.agency import canonical_agency
from gongkai.model.report import Report, SourceFile
from gongkai.model.template import SECTIONS, TEMPLATES, TableSpec, Template, template_for_year
from gongkai.model.text import fold, publication_date
from gongkai.parse import meta
from gongkai.parse.cells import forget_fields
from gongkai.parse.decode import Values
from gongkai.parse.facts import extract_facts
from gongkai.parse.misreads import doubt_misreads
from gongkai.parse.sections import SectionHit, clean_text, find_sections
from gongkai.parse.stream import Stream, build_stream
from gongkai.parse.table_text import table_line_spans, table_words
from gongkai.parse.tables import TableRead, read_appeals, read_table, table_regions
from gongkai.readers.document import Document

_V2019_OTHER_ROW = re.compile(r"\(六\)其他处理[\d/-]")


def detect_template(folded: str, year: int | None) -> tuple[str | None, str]:
    """The template the tables follow (by their wording), else the one the year requires.
    Returns (version, how it was decided)."""
    scores = {v: sum(1 for m in t.markers if fold(m) in folded) for v, t in TEMPLATES.items()}
    if _V2019_OTHER_ROW.search(folded):
        scores["v2019"] += 1  # （六）其他处理 as one row with its numbers: the v2019 table 3
    best = max(scores, key=lambda v: scores[v])
    if scores[best] > 0 and list(scores.values()).count(scores[best]) == 1:
        return best, "table wording"
    t = template_for_year(year)
    return (t.version, "report year") if t else (None, "unknown")


def _prose(stream: Stream) -> str:
    """Stream text outside grids."""
    out, pos = [], 0
    for a, b in stream.grid_spans:
        if a > pos:
            out.append(stream.text[pos:a])
        pos = max(pos, b)
    out.append(stream.text[pos:])
    return "\n".join(out)


def _line_starts(stream: Stream, within: int) -> list[int]:
    """Folded positions where the document's lines start, in its first ``within`` folded
    characters."""
    out: list[int] = []
    t = stream.text.find("\n")
    while t >= 0:
        f = stream.to_folded(t + 1)
        if f >= within:
            break
        out.append(f)
        t = stream.text.find("\n", t + 1)
    return out


class Cuts:
    """Spans of text left out of the sections' texts, in order, and which of them a section's
    text meets: found by bisection, not by a test of every span for every section (a text read
    as one cell a line has hundreds of table lines)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [x for x, _ in self.spans]
        self.reach = list(itertools.accumulate((y for _, y in self.spans), max))
        """How far the spans up to each reach (the spans before the first that reaches past a
        point all end before it)."""

    def across(self, a: int, b: int) -> list[tuple[int, int]]:
        """The spans that overlap ``a..b``, in order."""
        within = self.spans[bisect.bisect_right(self.reach, a) : bisect.bisect_left(self.starts, b)]
        return [(x, y) for x, y in within if x < b and y > a]


def _section_texts(
    stream: Stream, hits: dict[str, SectionHit], tables: Sequence[tuple[int, int]] = ()
) -> dict[str, str | None]:
    """Each section's text: from its heading to the next, without the text of grids and of
    ``tables`` (spans of table lines read from text)."""
    ordered = sorted(hits.values(), key=lambda h: h.start)
    out: dict[str, str | None] = {s.key: None for s in SECTIONS}
    cut = Cuts((*stream.grid_spans, *tables))
    for i, h in enumerate(ordered):
        end = ordered[i + 1].start if i + 1 < len(ordered) else len(stream.folded)
        a = stream.index[h.end - 1] + 1 if h.end > 0 else 0
        b = stream.to_text(end)
        span = stream.text[a:b]
        parts, pos = [], 0
        for x, y in cut.across(a, b):
            parts.append(span[pos : max(pos, x - a)])
            pos = max(pos, min(y, b) - a)
        parts.append(span[pos:])
        out[h.key] = clean_text("\n".join(parts))
    return out


def _table_lines(stream: Stream, spec: TableSpec, region: tuple[int, int], tr: TableRead) -> list[tuple[int, int]]:
    """The lines of a table read from text (its numbers' lines and the headings and labels
    around them), to be left out of its section's text (as its grids are)."""
    offsets = [o for offs in tr.offsets.values() for o in offs]
    if tr.cells is None or not offsets:
        return []
    text_region = (stream.to_text(region[0]), stream.to_text(region[1]))
    extent = (min(offsets), max(offsets))
    return table_line_spans(stream.text, text_region, extent, table_words(spec), stream.grid_spans)


def _hints(facts_by_key: dict[str, float | int], table: str) -> Values:
    out: Values = {}
    for key, v in facts_by_key.items():
        t, _, rest = key.partition(".")
        if t == table and "." in rest:
            r, c = rest.split(".", 1)
            out[(r, c)] = v
    return out


def parse_document(doc: Document) -> Report:
    forget_fields()
    stream = build_stream(doc)
    report = Report(SourceFile(doc.path, doc.sha256, doc.format, doc.size))
    folded = stream.folded
    hits = find_sections(stream)

    hit = meta.find_title(folded, _line_starts(stream, meta.TITLE_WINDOW))
    title_end = hit.start + len(hit.title) if hit else 0
    if hit is None and doc.title:
        hit = meta.find_title(fold(doc.title))
    lines = stream.text.split("\n")
    below = meta.agency_below_title(lines, hit.title) if hit and hit.agency is None else None
    signed_on, signer = meta.find_signature(lines)
    period = meta.find_period(folded)
    report.title = hit.title if hit else None
    aliases = meta.declared_aliases(folded)
    candidates: list[tuple[str, str | None]] = [
        ("title", (hit.agency or below) if hit else None),
        ("signature", signer),
        *(("preamble", n) for n in meta.preamble_agencies(folded, title_end)),
        ("publisher", meta.publisher_agency(stream.text)),
        ("contact", meta.contact_agency(folded)),
        ("text", meta.agency_from_text(stream.text)),
    ]
    reading = meta.decide_agency([(w, aliases.get(canonical_agency(n), n) if n else n) for w, n in candidates])
    report.agency = reading.agency
    report.agency_uncertain = reading.uncertain
    report.agency_candidates = list(reading.candidates)
    report.signature_name = signer
    report.year = (hit.year if hit else None) or (period[0].year if period else None) or meta.guess_year(folded)
    report.signed_on = signed_on
    report.statistics_period = period
    report.period_statement = meta.period_statement(folded) if period is None else None
    pub = doc.published_on or None
    if pub:
        report.published_on = dt.date.fromisoformat(pub)
    else:
        report.published_on = publication_date(stream.text)
    report.is_government = meta.is_government(report.agency)

    version, _how = detect_template(folded, report.year)
    report.template = version
    tpl: Template | None = TEMPLATES.get(version) if version else None
    report.section_titles = {k: h.heading for k, h in hits.items()}
    if tpl is None:
        report.sections = _section_texts(stream, hits)
        return report

    regions = table_regions(stream, hits, tpl)
    # facts need a count word after the number (``3件``), which table rows do not carry
    report.facts = extract_facts(_prose(stream))
    facts_by_key: dict[str, float | int] = {}
    for f in report.facts:
        facts_by_key.setdefault(f.key, f.value)

    # table 3 first: its rows show whether the document's numbers run together
    glued: bool | None = None
    converted = False  # table 3 was not read from the document's own cells: a converter's grid
    table_lines: list[tuple[int, int]] = []
    for key in ("applications", "active_disclosure"):
        region = regions.get(key)
        if region is None:
            continue
        tr = read_table(stream, tpl, key, region, _hints(facts_by_key, key), glued)
        table_lines.extend(_table_lines(stream, tpl.table(key), region, tr))
        glued = tr.glued if glued is None else glued
        if key == "applications":
            converted = tr.cells is not None and not tr.delimited
        report.tables[key] = tr.cells
        report.decisions.extend(tr.decisions)
        report.alternatives.update(tr.alternatives)
        report.unbalanced.extend(tr.unbalanced)
        if tr.broken_rules:
            report.broken_rules[key] = tr.broken_rules
        if tr.unreliable:
            report.unreliable[key] = tr.unreliable
    region4 = regions.get("appeals")
    if region4 is not None:
        tr = read_appeals(
            stream, region4, tpl.identities_of("appeals"), _hints(facts_by_key, "appeals"), glued, converted
        )
        report.tables["appeals"] = tr.cells
        table_lines.extend(_table_lines(stream, tpl.table("appeals"), region4, tr))
        report.unbalanced.extend(tr.unbalanced)
        if tr.broken_rules:
            report.broken_rules["appeals"] = tr.broken_rules
        if tr.unreliable:
            report.unreliable["appeals"] = tr.unreliable
        report.decisions.extend(tr.decisions)
    report.sections = _section_texts(stream, hits, table_lines)
    doubt_misreads(report)
    return report
