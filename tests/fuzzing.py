"""What fuzzing checks and how it mutates, shared by ``tests/test_fuzz.py`` (hypothesis, short, in
CI) and ``bench/fuzz.py`` (a long mutation loop over the real documents).

One input passes when reading it either gives a ``Document`` or raises ``ReadError`` (nothing
else), parsing and checking that document raise nothing, and every number the report gives a
table cell is written in the document: its digits appear inside one run of digits of the
document's text, spaces ignored (a run the decoder split, ``21710000218``, holds each of its
numbers).
"""

from __future__ import annotations

import random
import re
import traceback
import unicodedata
from dataclasses import dataclass, field

from gongkai.readers.document import Document, Grid, TextLine

_RUN = re.compile(r"\d[\d.,，]*")


@dataclass
class Verdict:
    read: bool = False
    """The input was read as a document (else it was refused with a ReadError)."""
    problems: list[str] = field(default_factory=list)


def document_runs(doc: Document) -> list[str]:
    """The digit runs of everything the document says (lines, cells, candidate readings),
    separators dropped."""
    texts: list[str] = []
    for b in doc.blocks:
        if isinstance(b, TextLine):
            texts.append(b.text)
        elif isinstance(b, Grid):
            for row in b.rows:
                for c in row:
                    if c is not None:
                        texts.append(c.text)
                        texts.extend(c.candidates)
    if doc.title:
        texts.append(doc.title)
    # spaces dropped: a report's digits are often spaced out (``1 2 3``), and the parser joins them
    text = re.sub(r"[^\S\n]+", "", unicodedata.normalize("NFKC", "\n".join(texts)))
    return [re.sub(r"[.,，]", "", m.group()) for m in _RUN.finditer(text)]


def _digits(v: float) -> str:
    s = str(abs(int(v))) if float(v).is_integer() else repr(abs(float(v)))
    return s.replace(".", "")


def numbers_not_in_document(doc: Document, report: object) -> list[str]:
    """Cells whose number is not written in ``doc``."""
    runs = document_runs(doc)
    joined = "\n".join(runs)
    out = []
    for tkey, table in getattr(report, "tables", {}).items():
        for rkey, row in (table or {}).items():
            for ckey, cell in (row or {}).items():
                v = cell.value
                if v is None:
                    continue
                if _digits(v) not in joined:
                    out.append(f"{tkey}.{rkey}.{ckey} = {v} (raw {cell.raw!r}) is not in the document")
    return out


def judge(name: str, data: bytes) -> Verdict:
    """Read, parse and check ``data`` (under the limits in force) and say what went wrong."""
    from gongkai.checks import run_checks
    from gongkai.parse import parse_document
    from gongkai.readers import ReadError, read_bytes

    v = Verdict()
    try:
        doc = read_bytes(name, data)
    except ReadError as e:
        if not e.reason or "Traceback" in e.reason:
            v.problems.append(f"ReadError without a clear reason: {e.reason!r}")
        return v
    except Exception as e:
        v.problems.append(f"read raised {type(e).__name__}: {e}\n{traceback.format_exc(limit=8)}")
        return v
    v.read = True
    try:
        report = parse_document(doc)
        report.findings = run_checks(report)
    except Exception as e:
        v.problems.append(f"parse raised {type(e).__name__}: {e}\n{traceback.format_exc(limit=8)}")
        return v
    v.problems += numbers_not_in_document(doc, report)
    return v


# --- mutations ---------------------------------------------------------------------------------

_INTERESTING = [b"\x00", b"\xff", b"0", b"9", b"-", b"/", b"\n", b"\t", b"|", b"<", b">", b"%", b"\xe4\xb8\x80"]


def mutate(data: bytes, rng: random.Random, pool: list[bytes] | None = None) -> bytes:
    """One to four byte-level mutations: flips, interesting bytes, deletions, duplications,
    truncation, insertion, and (with ``pool``) splicing with another document."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        n = len(b)
        if n == 0:
            b += rng.choice(_INTERESTING)
            continue
        i = rng.randrange(n)
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i : i + 1] = rng.choice(_INTERESTING)
        elif op == 2:
            del b[i : i + rng.randint(1, min(64, n - i))]
        elif op == 3:
            j = min(n, i + rng.randint(1, 256))
            b[i:i] = b[i:j] * rng.randint(1, 8)
        elif op == 4:
            del b[rng.randint(n // 2, n) :]
        elif op == 5:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 6 and pool:
            other = rng.choice(pool)
            if other:
                j = rng.randrange(len(other))
                b[i:] = other[j : j + rng.randint(1, 4096)]
        else:
            b[i] = (b[i] + rng.choice((-1, 1))) % 256
    return bytes(b)


_DIGIT = re.compile(r"\d")


def mutate_text(text: str, rng: random.Random) -> str:
    """Mutations a report's text meets in the wild: digits changed, separators lost or added,
    lines joined, split, dropped or repeated, characters spaced out."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        op = rng.randrange(7)
        line = lines[i]
        if op == 0 and _DIGIT.search(line):
            pos = [m.start() for m in _DIGIT.finditer(line)]
            p = rng.choice(pos)
            lines[i] = line[:p] + str(rng.randrange(10)) + line[p + 1 :]
        elif op == 1:
            lines[i] = re.sub(r"[ \t|]+", "", line) if rng.random() < 0.5 else re.sub(r"(\d)", r"\1 ", line)
        elif op == 2 and i + 1 < len(lines):
            lines[i : i + 2] = [line + lines[i + 1]]
        elif op == 3 and line:
            p = rng.randrange(len(line))
            lines[i : i + 1] = [line[:p], line[p:]]
        elif op == 4:
            del lines[i]
        elif op == 5:
            lines.insert(i, line)
        else:
            lines[i] = " ".join(line)
    return "\n".join(lines)
