"""Korean pages and texts decode right in UTF-8, EUC-KR and CP949, declared or not; a
decoding that yields mojibake is refused with its reason (docs/korean.md, "Capture and
cleaning"). Fixtures: tests/fixtures/ko, written for these tests."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborate.capture import capture_bytes
from corroborate.errors import UndecodableInput
from corroborate.pipeline import ingest
from corroborate.readers import decode

FIXTURES = Path(__file__).parent / "fixtures" / "ko"
# syllables CP949 has and EUC-KR lacks: the fixtures hold them in 똠방, 햏 아저씨, 햏골
CP949_ONLY = ("똠", "햏")
_META = re.compile(r'<meta[^>]*charset[^>]*>\n?', re.I)


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _undeclared(name: str) -> str:
    """A fixture page with its charset declaration taken out."""
    page = _META.sub("", _text(name))
    assert "charset" not in page
    return page


def _euc_kr_safe(text: str) -> str:
    """The text with the syllables EUC-KR lacks replaced by ones it has."""
    return text.replace("똠", "돔").replace("햏", "해")


def test_the_fixtures_hold_syllables_only_cp949_has():
    for name in ("article.html", "board.html", "page_copy.txt"):
        assert any(c in _text(name) for c in CP949_ONLY), name
    for c in CP949_ONLY:
        # two bytes in CP949; none in EUC-KR's table (Python spells them as 8-byte jamo runs)
        assert len(c.encode("cp949")) == 2 and len(c.encode("euc-kr")) == 8


def test_a_utf8_korean_page_is_read_as_written():
    data = (FIXTURES / "article.html").read_bytes()
    _, [doc], _ = capture_bytes("article.html", data)
    assert doc.content == data.decode("utf-8")


@pytest.mark.parametrize("encoding", ["euc-kr", "cp949"])
@pytest.mark.parametrize("name", ["article.html", "board.html"])
def test_korean_pages_without_a_declared_charset_decode_right(encoding, name):
    page = _undeclared(name)
    if encoding == "euc-kr":
        page = _euc_kr_safe(page)
    _, [doc], _ = capture_bytes(name, page.encode(encoding))
    assert doc.content == page
    if encoding == "cp949":
        assert any(c in doc.content for c in CP949_ONLY)


@pytest.mark.parametrize("encoding", ["euc-kr", "cp949"])
@pytest.mark.parametrize("name", ["page_copy.txt", "header.txt", "radio.txt", "body.txt"])
def test_korean_text_files_decode_right(encoding, name):
    text = _text(name)
    if encoding == "euc-kr":
        text = _euc_kr_safe(text)
    _, [doc], _ = capture_bytes(name, text.encode(encoding))
    assert doc.content == text


def test_a_short_korean_line_is_not_taken_for_chinese():
    text = "혜산에서 똠방 보위원이 주민을 붙잡았다."
    assert decode("short.txt", text.encode("cp949")) == text


def test_a_page_declared_euc_kr_is_read_as_cp949_its_superset():
    page = _text("board.html")  # declares euc-kr, and holds 햏
    assert "charset=euc-kr" in page
    _, [doc], _ = capture_bytes("board.html", page.encode("cp949"))
    assert doc.content == page and "햏골" in doc.content


def test_korean_records_of_a_json_lines_file_decode_right():
    body = _text("body.txt")
    line = '{"text": "' + body.replace("\n", "\\n").replace('"', '\\"') + '"}\n'
    _, [doc], _ = capture_bytes("r.jsonl", line.encode("cp949"))
    assert doc.content == body


@pytest.mark.parametrize("declared", ["iso-8859-1", "windows-1252", "gbk"])
def test_a_wrong_declared_charset_is_refused_and_the_bytes_read_as_korean(declared, caplog):
    page = _undeclared("article.html").replace(
        "<head>", f'<head>\n<meta charset="{declared}">', 1)
    with caplog.at_level(logging.WARNING, logger="corroborate.readers"):
        _, [doc], _ = capture_bytes("article.html", page.encode("cp949"))
    assert doc.content == page
    [warning] = [r.getMessage() for r in caplog.records]
    assert f"declared {declared}" in warning and "read as cp949" in warning


def test_a_wrong_charset_in_a_warc_header_is_refused_too():
    body = _undeclared("board.html").encode("cp949")
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=iso-8859-1")],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "https://example.org/board", "response", payload=io.BytesIO(body), http_headers=headers))
    _, [doc], errors = capture_bytes("crawl.warc", buffer.getvalue())
    assert errors == [] and doc.content == body.decode("cp949")


# -- mojibake is refused, with its reason -----------------------------------------------


def test_korean_encoded_twice_is_refused_naming_what_it_stood_for():
    body = _text("body.txt")
    twice = body.encode("utf-8").decode("latin-1").encode("utf-8")  # valid UTF-8, all garbage
    with pytest.raises(UndecodableInput) as info:
        capture_bytes("twice.txt", twice)
    assert "encoded twice" in info.value.reason
    assert "양강도" in info.value.reason  # what the first garbled syllables were


def test_text_full_of_replacement_characters_is_refused():
    damaged = _text("body.txt").encode("utf-8").decode("ascii", errors="replace")
    with pytest.raises(UndecodableInput) as info:
        capture_bytes("damaged.txt", damaged.encode("utf-8"))
    assert "replacement characters" in info.value.reason


def test_a_stray_replacement_character_is_kept():
    # under 1% of the text: one damaged quote mark does not lose a report
    text = _text("body.txt").replace("“", "\ufffd", 1)
    assert decode("one.txt", text.encode("utf-8")) == text


def test_a_page_cut_inside_its_last_character_still_reads_as_korean():
    data = _euc_kr_safe(_text("body.txt")).rstrip().encode("euc-kr")
    cut = data[:-2]  # "다." less "." and the last byte of 다: a lone lead byte at the end
    text = decode("cut.txt", cut)
    assert text.startswith("양강도 혜산시에서") and text.endswith("\ufffd")


def test_damaged_korean_under_a_latin1_declaration_is_refused_as_soup():
    data = _euc_kr_safe(_text("body.txt")).encode("euc-kr")
    # every paragraph's first byte lost: no encoding reads the rest as text
    damaged = b"\n\n".join(p[1:] for p in data.split(b"\n\n"))
    with pytest.raises(UndecodableInput) as info:
        decode("damaged.html", damaged, "iso-8859-1")
    reason = info.value.reason
    assert "declared iso-8859-1" in reason and "Latin-1 soup" in reason


def test_the_same_damaged_bytes_undeclared_are_refused():
    data = _euc_kr_safe(_text("body.txt")).encode("euc-kr")
    damaged = b"\n\n".join(p[1:] for p in data.split(b"\n\n"))
    with pytest.raises(UndecodableInput) as info:
        decode("damaged.txt", damaged)
    assert "UTF-8" in info.value.reason


@pytest.mark.parametrize(("text", "encoding"), [
    ("日本国民は、正当に選挙された国会における代表者を通じて行動し、われらとわれらの子孫のために、"
     "諸国民との協和による成果と、わが国全土にわたつて自由のもたらす恵沢を確保する。", "shift_jis"),
    ("日本国民は、正当に選挙された国会における代表者を通じて行動し、われらとわれらの子孫のために、"
     "諸国民との協和による成果と、わが国全土にわたつて自由のもたらす恵沢を確保する。", "euc_jp"),
    ("边境城市的市场上，三名商人因走私被当地警察拘留，消息人士说。" * 3, "gb2312"),
])
def test_other_scripts_declared_euc_kr_are_not_read_as_korean(text, encoding):
    # the declared decoding gives Hangul nobody writes (rare syllables, Hanja, loose jamo,
    # no spaces): it is refused and the bytes read as what they are
    assert decode("other.html", text.encode(encoding), "euc-kr") == text


@pytest.mark.parametrize(("text", "encoding"), [
    ("Die Größe der Straße in Köln ist schön; le café a déclaré « très inquiets ». " * 3,
     "latin-1"),
    ("Полиция задержала троих торговцев на рынке в Хэсане, сообщил источник. " * 2, "cp1251"),
])
def test_western_and_cyrillic_text_are_not_taken_for_korean(text, encoding):
    assert decode("other.txt", text.encode(encoding)) == text
    assert decode("other.txt", text.encode(encoding), encoding) == text


# -- through a real ingest -----------------------------------------------------------------


def test_an_ingest_stores_korean_pages_in_any_encoding_and_refuses_mojibake(store, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "utf8.html").write_bytes((FIXTURES / "article.html").read_bytes())
    (inbox / "euc.txt").write_bytes(_euc_kr_safe(_text("header.txt")).encode("euc-kr"))
    (inbox / "cp949.html").write_bytes(_undeclared("board.html").encode("cp949"))
    (inbox / "twice.txt").write_bytes(
        _text("radio.txt").encode("utf-8").decode("latin-1").encode("utf-8"))
    result = ingest(store, [str(inbox)])
    assert result.reports == 3
    [failure] = result.failures
    assert failure.origin.endswith("twice.txt") and "encoded twice" in failure.reason
    reports = list(store.reports())
    assert {r.language for r in reports} == {"ko"}
    texts = " ".join(r.text for r in reports)
    assert "햏골" in texts and "무산군" in texts and "보위국" in texts
