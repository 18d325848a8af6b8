"""Hostile and broken inputs: each ends in a clear Chinese ReadError, measured from headers before
anything large is decoded; no reader follows an external reference."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hostile
from gongkai.readers import Limits, ReadError, read, read_bytes
from gongkai.readers.image_header import page_sizes
from gongkai.readers.limits import applied

ROOT = Path(__file__).resolve().parent.parent
GB = 1 << 30


def _refused(name: str, data: bytes, limits: Limits | None = None) -> ReadError:
    with pytest.raises(ReadError) as e:
        read_bytes(name, data, limits)
    assert e.value.reason and e.value.path == name
    return e.value


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("docx_bomb", ("DOCX 正文解压后过大", "xml_mb")),
        ("png_30000", ("30000 × 30000", "megapixels")),
        ("tiff_500", ("多于 200 页", "pages")),
        ("pdf_giant_page", ("第 1 页", "megapixels")),
        ("pdf_10000_pages", ("共 10,000 页", "pages")),
        ("pdf_image_bomb", ("图像尺寸过大", "megapixels")),
    ],
)
def test_bombs_are_refused_from_their_headers(kind: str, words: tuple[str, ...]) -> None:
    name, make = hostile.KINDS[kind]
    data = make() if kind != "docx_bomb" else hostile.docx_bomb(GB)
    err = _refused(name, data)
    assert err.code == "too_large"
    for w in words:
        assert w in err.reason


def test_bombs_are_refused_within_a_small_memory_budget(tmp_path: Path) -> None:
    """Read in a child whose data segment may grow by 300 MB only: a reader that decoded a bomb
    would hit MemoryError (code ``memory``), not refuse it from its header."""
    for kind in ("png_30000", "pdf_image_bomb", "pdf_giant_page"):
        name, make = hostile.KINDS[kind]
        (tmp_path / name).write_bytes(make())
    (tmp_path / "bomb.docx").write_bytes(hostile.docx_bomb(GB))
    (tmp_path / "pages.tiff").write_bytes(hostile.tiff_pages(300))
    script = textwrap.dedent(
        """
        import re, resource, sys
        from gongkai.readers import ReadError, read
        import cv2, pypdfium2, lxml.etree
        data = int(re.search(r"VmData:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (data + 300 * 2**20, resource.RLIM_INFINITY))
        for p in sys.argv[1:]:
            try:
                read(p)
                print(p, "read")
            except ReadError as e:
                print(p, e.code)
        """
    )
    files = sorted(str(p) for p in tmp_path.iterdir())
    out = subprocess.run([sys.executable, "-c", script, *files], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    codes = dict(line.rsplit(" ", 1) for line in out.stdout.splitlines())
    assert codes == dict.fromkeys(files, "too_large")


def test_limits_are_settable() -> None:
    tiff = hostile.tiff_pages(5, 200, 300)
    assert "共 5 页" not in _refused("p.tiff", tiff, Limits(pages=4)).reason
    assert _refused("p.tiff", tiff, Limits(pages=4)).code == "too_large"
    assert _refused("p.tiff", tiff, Limits(pages=5)).code == "empty"  # read: five blank pages
    png = hostile.png_bomb(3000)
    assert _refused("a.png", png, Limits(megapixels=8)).code == "too_large"
    assert _refused("a.png", png, Limits(megapixels=10)).code == "empty"
    with applied(Limits(pages=2)):
        assert _refused("p.tiff", tiff).code == "too_large"


def test_limits_from_text_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    lim = Limits.parse("pages=500, seconds=60", Limits())
    assert (lim.pages, lim.seconds, lim.megapixels) == (500, 60.0, Limits().megapixels)
    assert isinstance(lim.pages, int)
    for bad in ("pagez=5", "pages=many", "pages=-1", "pages"):
        with pytest.raises(ValueError, match="限制项"):
            Limits.parse(bad)
    monkeypatch.setenv("GONGKAI_LIMITS", "pages=3")
    assert _refused("p.tiff", hostile.tiff_pages(5, 200, 300)).code == "too_large"


def test_an_oversize_file_is_refused_from_its_size(tmp_path: Path) -> None:
    p = tmp_path / "big.pdf"
    with open(p, "wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(3 << 20)
    with pytest.raises(ReadError) as e:
        read(str(p), Limits(file_mb=2))
    assert e.value.code == "too_large" and "file_mb" in e.value.reason


def test_200_mb_text_is_refused_without_loading(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    hostile.sparse_text(p)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ReadError) as e:
        read(str(p))
    assert e.value.code == "too_large"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB: never loaded


def test_deeply_nested_html_says_so() -> None:
    err = _refused("nested.html", hostile.nested_html())
    assert err.code == "too_large" and "嵌套" in err.reason
    doc = read_bytes("ok.html", hostile.nested_html(200))  # within the parser's limit: read
    assert doc.lines() == ["一、总体情况"]


@pytest.mark.parametrize(
    "kind", ["docx_billion_laughs", "html_billion_laughs", "empty", "binary_html", "truncated_pdf"]
)
def test_small_hostile_inputs_end_cleanly(kind: str) -> None:
    name, make = hostile.KINDS[kind]
    try:
        doc = read_bytes(name, make())
    except ReadError as e:
        assert e.reason and "Error" not in e.reason and "xml" not in e.reason.lower()
        return
    assert "哈" * 100 not in "".join(doc.lines())  # read, but no entity was expanded


def test_no_reader_follows_an_external_entity(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("绝密内容XYZZY")
    err = _refused("x.docx", hostile.docx_xxe(str(secret)))
    assert err.code == "unsafe" and "XYZZY" not in err.reason
    doc = read_bytes("x.html", hostile.html_xxe(str(secret)))
    assert "XYZZY" not in "".join(doc.lines())


def test_encrypted_and_truncated_pdfs_say_so() -> None:
    assert _refused("e.pdf", (ROOT / "tests" / "data" / "encrypted.pdf").read_bytes()).code == "encrypted"
    good = hostile.pdf_many_image_pages(2)
    for cut in (len(good) // 3, len(good) - 40):
        assert _refused("t.pdf", good[:cut]).code in ("corrupt", "empty")


_ENCODERS = {".png": [], ".jpg": [cv2.IMWRITE_JPEG_QUALITY, 50], ".bmp": [], ".tiff": []}


@given(
    st.integers(1, 700),
    st.integers(1, 700),
    st.sampled_from(sorted(_ENCODERS)),
)
def test_image_header_sizes_match_the_decoder(w: int, h: int, ext: str) -> None:
    img = np.zeros((h, w), np.uint8)
    ok, buf = cv2.imencode(ext, img, _ENCODERS[ext])
    assert ok
    assert page_sizes(buf.tobytes(), 10) == [(w, h)]


@given(st.binary(max_size=300), st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM"]))
def test_image_header_never_raises(junk: bytes, magic: bytes) -> None:
    got = page_sizes(magic + junk, 5)
    assert got is None or (len(got) <= 6 and all(w >= 0 and h >= 0 for w, h in got))


def test_spans_cannot_make_a_huge_table() -> None:
    """A few KB of cells with large spans would describe billions of positions."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    rows = ("<w:tr>" + cell * 50 + "</w:tr>") * 100
    xml = f"<w:document {hostile._W}><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>"
    err = _refused("span.docx", hostile.docx_with(xml.encode()))
    assert err.code == "too_large" and "表格过大" in err.reason
    html = (
        "<html><body><table>" + "<tr>" + '<td rowspan="200" colspan="200">1</td>' * 3000 + "</tr></table></body></html>"
    )
    err = _refused("span.html", html.encode())
    assert err.code == "too_large" and "表格过大" in err.reason
    ok = "<html><body><table>" + "<tr><td colspan='2'>本年新收</td><td>3</td></tr>" * 30 + "</table></body></html>"
    doc = read_bytes("ok.html", ok.encode())
    assert any("本年新收" in line for line in doc.lines())


def test_broken_deflate_data_in_a_docx_says_so() -> None:
    """Found by fuzzing: a damaged compressed stream raised zlib.error out of the reader."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", hostile._CONTENT_TYPES)
        z.writestr(
            "word/document.xml", f"<w:document {hostile._W}><w:body>" + "<w:p/>" * 5000 + "</w:body></w:document>"
        )
    data = bytearray(buf.getvalue())
    start = data.index(b"word/document.xml") + len("word/document.xml")
    data[start + 40 : start + 48] = b"\xff" * 8  # inside the deflate stream
    err = _refused("d.docx", bytes(data))
    assert err.code == "corrupt" and "error" not in err.reason.lower()


def test_control_characters_in_html_are_dropped() -> None:
    """Found by bench/fuzz.py: a control character in a text node made lxml raise ValueError
    when the reader removed page chrome around it."""
    prose = "本年度我单位认真贯彻落实政府信息公开条例。" * 20
    html = f"<html><body><div class='nav'>x</div>\x01一、总体情况\x0b<p>{prose}\x02</p></body></html>"
    doc = read_bytes("c.html", html.encode())
    assert "一、总体情况" in "".join(doc.lines())


def test_the_time_limit_holds_inside_a_page_of_ocr() -> None:
    """A page's crops are recognised in parts, the time limit checked between them (found by
    bench/fuzz.py: a slow multi-page scan ran past its limit inside one page)."""
    from gongkai.readers.ocr import TIME_CHECK_CROPS, recognize

    crops = [np.full((40, 120), 255, np.uint8)] * (TIME_CHECK_CROPS + 1)
    assert len(recognize(crops)) == len(crops)
    with applied(Limits(seconds=1e-9)), pytest.raises(ReadError) as e:
        recognize(crops)
    assert e.value.code == "timeout"
