from __future__ import annotations

import gzip
import hashlib
import io
import json

import pytest

from corroborate.capture import CaptureOptions, Input, capture_bytes, iter_inputs, read_input
from corroborate.errors import (
    CorruptInput,
    EmptyInput,
    MalformedInput,
    TooLarge,
    UndecodableInput,
)

HTML = (b"<!doctype html><html lang='en'><head><title>Camp report</title></head><body>"
        b"<article><h1>Camp report</h1><p>Guards at a labour camp in Chagang province beat "
        b"detainees who failed to meet quotas, a source said on Monday.</p></article>"
        b"</body></html>")


def test_capture_hashes_exact_bytes_and_records_custody_fields():
    data = b"date 2020-01-02\nA report about arrests.\n"
    capture, docs, errors = capture_bytes("in/report.txt", data)
    assert capture.sha256 == hashlib.sha256(data).hexdigest()
    assert capture.size == len(data)
    assert capture.media_type == "text/plain"
    assert capture.captured_at.endswith("+00:00")
    assert capture.tool_version
    assert [d.content for d in docs] == [data.decode()]
    assert errors == []


def test_gzipped_html_is_unwrapped_but_hashed_as_received():
    data = gzip.compress(HTML)
    capture, docs, _ = capture_bytes("page.html.gz", data)
    assert capture.sha256 == hashlib.sha256(data).hexdigest()
    assert capture.media_type == "text/html; compression=gzip"
    assert docs[0].media_type == "text/html"
    assert "labour camp" in docs[0].content


def test_jsonl_records_keep_good_lines_and_report_bad_ones():
    lines = [json.dumps({"text": "First report.", "date": "2020-01-01", "title": "One"}),
             "{not json", json.dumps({"body": "no text field"}),
             json.dumps({"text": "Second report.", "url": "https://example.org/2"})]
    capture, docs, errors = capture_bytes("records.jsonl", "\n".join(lines).encode())
    assert [d.locator for d in docs] == ["line:1", "line:4"]
    assert docs[0].published == "2020-01-01" and docs[0].title == "One"
    assert docs[1].url == "https://example.org/2"
    assert sorted(e.origin for e in errors) == ["records.jsonl:line:2", "records.jsonl:line:3"]
    assert len({d.report_id for d in docs}) == 2
    assert {d.capture_sha256 for d in docs} == {capture.sha256}


def test_csv_with_custom_text_field():
    data = b"when,body\n2021-03-04,Police detained traders in Hyesan.\n"
    _, docs, _ = capture_bytes("r.csv", data, CaptureOptions(text_field="body",
                                                             date_field="when"))
    assert docs[0].content == "Police detained traders in Hyesan."
    assert docs[0].published == "2021-03-04"


def test_warc_responses_become_html_documents():
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                               protocol="HTTP/1.0")
    writer.write_record(writer.create_warc_record(
        "https://example.org/camp", "response", payload=io.BytesIO(HTML),
        http_headers=headers))
    capture, docs, _ = capture_bytes("crawl.warc.gz", buffer.getvalue())
    assert capture.media_type == "application/warc"
    assert docs[0].url == "https://example.org/camp"
    assert docs[0].locator.startswith("record:")
    with pytest.raises(CorruptInput):
        capture_bytes("cut.warc.gz", buffer.getvalue()[:-40])


@pytest.mark.parametrize(("name", "data", "error"), [
    ("blank.txt", b"   \n\n", EmptyInput),
    ("photo.txt", bytes(range(256)) * 4, UndecodableInput),
    ("latin.txt", b"\x81\x8d\x8f\x90\x9d" * 20, UndecodableInput),
    ("cut.html.gz", gzip.compress(HTML)[:-12], CorruptInput),
    ("bad.csv", b"title,text\n\"unterminated,quote\n", MalformedInput),
    ("nocol.csv", b"title,summary\na,b\n", MalformedInput),
    ("bad.json", b"{\"text\": ", MalformedInput),
    ("plain.html", b"just words, no markup at all", MalformedInput),
])
def test_broken_inputs_raise_input_errors_naming_the_origin(name, data, error):
    with pytest.raises(error) as info:
        capture_bytes(name, data)
    assert info.value.origin.startswith(name)
    assert info.value.reason


def test_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(TooLarge):
        read_input(Input(str(big), big), max_bytes=1000)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInput):
        read_input(Input(str(empty), empty), max_bytes=1000)


def test_gzip_bomb_is_refused():
    with pytest.raises(TooLarge):
        capture_bytes("bomb.txt.gz", gzip.compress(b"a" * 100_000),
                      CaptureOptions(max_bytes=10_000))


def test_stdin_is_read_and_sniffed():
    data = read_input(Input("-", None), 10_000, stdin=io.BytesIO(HTML))
    capture, docs, _ = capture_bytes("-", data)
    assert capture.origin == "-" and docs[0].media_type == "text/html"


def test_folders_expand_recursively_in_order_and_report_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "b-c.txt").write_text("x")
    (tmp_path / "1.txt").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    found = [(i.origin, i.refused) for i in iter_inputs([str(tmp_path)])]
    assert found == [
        (str(tmp_path / ".hidden"), "hidden file skipped (name starts with a dot)"),
        (str(tmp_path / "1.txt"), None), (str(tmp_path / "b" / "2.txt"), None),
        (str(tmp_path / "b-c.txt"), None),
    ]
