"""Properties of every reader, for arbitrary bytes and for generated valid inputs.

Whatever the bytes, ``capture_bytes`` returns documents or raises an ``InputError``; the
capture's hash is the hash of the exact bytes; valid records give back their text; and a
gzipped input (one member or several) gives the same documents as the plain one.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import json
from dataclasses import astuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborate.capture import CaptureOptions, capture_bytes
from corroborate.errors import InputError
from corroborate.model import Capture, Document

FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
ROUND_TRIP = settings(max_examples=100, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.too_slow])

NAMES = ["r.html", "r.txt", "r.jsonl", "r.json", "r.csv", "r.warc", "r.txt.gz", "r.html.gz",
         "r.jsonl.gz", "r.warc.gz", "-"]

# printable text: control characters make a file binary, a leading BOM is not content
CHARS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufeff")
TEXTS = st.text(CHARS | st.sampled_from("\n\t"), min_size=1, max_size=120).filter(str.strip)
FIELDS = st.none() | st.text(CHARS, max_size=30)
RECORDS = st.lists(st.fixed_dictionaries(
    {"text": TEXTS}, optional={"title": FIELDS, "date": FIELDS, "url": FIELDS,
                               "outlet": FIELDS}), min_size=1, max_size=5)


def captured(name: str, data: bytes, options: CaptureOptions | None = None,
             ) -> tuple[Capture, list[Document]] | InputError:
    """The capture and documents, or the InputError: any other exception fails the test."""
    try:
        capture, docs, errors = capture_bytes(name, data, options)
    except InputError as exc:
        assert exc.origin.startswith(name) and exc.reason
        return exc
    assert docs, "a capture without documents must be an error"
    assert capture.sha256 == hashlib.sha256(data).hexdigest() and capture.size == len(data)
    assert {d.capture_sha256 for d in docs} == {capture.sha256}
    assert all(e.origin.startswith(name) and e.reason for e in errors)
    return capture, docs


def read(name: str, data: bytes) -> list[Document]:
    result = captured(name, data)
    assert not isinstance(result, InputError), result
    return result[1]


def readings(docs: list[Document]) -> list[tuple[object, ...]]:
    """What a document says, leaving out the capture it came from and its name."""
    return [(d.locator, *astuple(d)[3:]) for d in docs]


def expected_field(value: str | None) -> str | None:
    return value.strip() or None if value else None


# arbitrary bytes


@FUZZ
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=600))
def test_arbitrary_bytes_give_documents_or_an_input_error(name, data):
    captured(name, data)


PREFIXES = [b"WARC/1.0\r\n", b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 5\r\n",
            b"\x1f\x8b\x08\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x00\x00\xfe\xff", b"{",
            b"[" * 70, b"<html><meta charset='", b"text,title\n"]


@FUZZ
@given(name=st.sampled_from(NAMES), prefix=st.sampled_from(PREFIXES),
       data=st.binary(max_size=400))
def test_bytes_past_a_known_start_give_documents_or_an_input_error(name, prefix, data):
    captured(name, prefix + data)


@FUZZ
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=400))
def test_gzipped_arbitrary_bytes_give_documents_or_an_input_error(name, data):
    captured(name, gzip.compress(data), CaptureOptions(max_bytes=300))


# generated valid inputs, and those inputs damaged


def as_jsonl(records: list[dict[str, str | None]], ascii_only: bool) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=ascii_only) for r in records).encode()


def as_csv(records: list[dict[str, str | None]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, ["text", "title", "date", "url", "outlet"])
    writer.writeheader()
    writer.writerows({k: v or "" for k, v in r.items()} for r in records)
    return out.getvalue().encode()


def as_warc(texts: list[str], gzipped: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    for number, text in enumerate(texts):
        url = f"https://example.org/report/{number}"
        if number % 2:
            writer.write_record(writer.create_warc_record(
                url, "resource", payload=io.BytesIO(text.encode()),
                warc_content_type="text/plain; charset=utf-8"))
            continue
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(page(text).encode()), http_headers=headers))
    return buffer.getvalue()


def page(text: str) -> str:
    return f"<html><body><p>{html.escape(text)}</p></body></html>"


@st.composite
def valid_inputs(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["txt", "html", "jsonl", "json", "csv", "warc"]))
    if kind in ("txt", "html"):
        text = draw(TEXTS)
        return f"r.{kind}", (text if kind == "txt" else page(text)).encode()
    if kind == "warc":
        return "r.warc", as_warc(draw(st.lists(TEXTS, min_size=1, max_size=4)), False)
    records = draw(RECORDS)
    if kind == "csv":
        return "r.csv", as_csv(records)
    if kind == "json":
        return "r.json", json.dumps(records, ensure_ascii=draw(st.booleans())).encode()
    return "r.jsonl", as_jsonl(records, draw(st.booleans()))


@FUZZ
@given(valid=valid_inputs(), data=st.data())
def test_damaged_valid_inputs_give_documents_or_an_input_error(valid, data):
    name, raw = valid
    cut = data.draw(st.integers(0, len(raw)))
    junk = data.draw(st.binary(max_size=8))
    damage = data.draw(st.sampled_from(["cut", "insert", "replace"]))
    if damage == "cut":
        raw = raw[:cut]
    elif damage == "insert":
        raw = raw[:cut] + junk + raw[cut:]
    else:
        raw = raw[:cut] + junk + raw[cut + len(junk):]
    captured(name, raw)
    captured(name + ".gz", gzip.compress(raw))


@ROUND_TRIP
@given(text=TEXTS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_round_trips(text, encoding):
    [doc] = read("r.txt", text.encode(encoding))
    assert doc.content == text and doc.media_type == "text/plain"


@ROUND_TRIP
@given(text=TEXTS)
def test_html_round_trips(text):
    [doc] = read("r.html", page(text).encode())
    assert doc.content == page(text) and doc.media_type == "text/html"


def check_records(docs: list[Document], records: list[dict[str, str | None]]) -> None:
    assert [d.content for d in docs] == [r["text"] for r in records]
    for doc, record in zip(docs, records, strict=True):
        assert doc.title == expected_field(record.get("title"))
        assert doc.published == expected_field(record.get("date"))
        assert doc.url == expected_field(record.get("url"))
        assert doc.outlet == expected_field(record.get("outlet"))


@ROUND_TRIP
@given(records=RECORDS, ascii_only=st.booleans())
def test_jsonl_records_round_trip(records, ascii_only):
    docs = read("r.jsonl", as_jsonl(records, ascii_only))
    check_records(docs, records)
    assert [d.locator for d in docs] == [f"line:{n}" for n in range(1, len(records) + 1)]


@ROUND_TRIP
@given(records=RECORDS, ascii_only=st.booleans())
def test_json_records_round_trip(records, ascii_only):
    docs = read("r.json", json.dumps(records, ensure_ascii=ascii_only).encode())
    check_records(docs, records)


@ROUND_TRIP
@given(records=RECORDS)
def test_csv_records_round_trip(records):
    check_records(read("r.csv", as_csv(records)), records)


@ROUND_TRIP
@given(texts=st.lists(TEXTS, min_size=1, max_size=4), gzipped=st.booleans())
def test_warc_records_round_trip(texts, gzipped):
    docs = read("r.warc.gz" if gzipped else "r.warc", as_warc(texts, gzipped))
    expected = [text if number % 2 else page(text) for number, text in enumerate(texts)]
    assert [d.content for d in docs] == expected
    assert [d.url for d in docs] == [f"https://example.org/report/{n}"
                                     for n in range(len(texts))]


@ROUND_TRIP
@given(valid=valid_inputs(), data=st.data())
def test_gzip_gives_the_same_documents_as_the_plain_input(valid, data):
    name, raw = valid
    plain = readings(read(name, raw))
    assert readings(read(name + ".gz", gzip.compress(raw))) == plain
    if not name.endswith(".warc"):  # a WARC's gzip members hold whole records
        cut = data.draw(st.integers(0, len(raw)))
        two = gzip.compress(raw[:cut]) + gzip.compress(raw[cut:])
        assert readings(read(name + ".gz", two)) == plain
