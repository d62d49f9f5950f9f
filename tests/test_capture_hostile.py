"""Hostile input to the capture stage: each test is named after a defect it once had."""

from __future__ import annotations

import gzip
import inspect
import io
import json
import os
import random
import socket
import threading
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborate.capture import CaptureOptions, Input, capture_bytes, iter_inputs, read_input
from corroborate.errors import (
    CorruptInput,
    InputError,
    MalformedInput,
    TooLarge,
    UndecodableInput,
)

PAGE = ("<html><head><title>Market raid</title></head><body><p>Inspectors raided the market "
        "in Hyesan and took away the goods of twelve traders, a resident said.</p></body>"
        "</html>")
NOTE = "Two students in Musan were questioned about a foreign film found at their school."


def _warc(records: list[tuple[str, bytes, str]], gzipped: bool) -> bytes:
    """A WARC of HTTP responses: (url, body, content type) each."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    for url, body, content_type in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


# 1. WARC ingest never worked: every record came out empty


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_records_keep_their_content(gzipped):
    data = _warc([("https://example.org/raid", PAGE.encode(), "text/html; charset=utf-8"),
                  ("https://example.org/note", NOTE.encode(), "text/plain")], gzipped)
    name = "crawl.warc.gz" if gzipped else "crawl.warc"
    _, docs, errors = capture_bytes(name, data)
    assert errors == []
    assert [d.url for d in docs] == ["https://example.org/raid", "https://example.org/note"]
    assert docs[0].content == PAGE and docs[0].media_type == "text/html"
    assert docs[1].content == NOTE and docs[1].media_type == "text/plain"
    assert docs[0].locator == "record:0"
    assert docs[1].locator.startswith("record:") and docs[1].locator != "record:0"


def test_warc_gzipped_whole_rather_than_record_by_record_is_read():
    plain = _warc([("https://example.org/a", PAGE.encode(), "text/html"),
                   ("https://example.org/b", NOTE.encode(), "text/plain")], gzipped=False)
    _, docs, _ = capture_bytes("whole.warc.gz", gzip.compress(plain))
    assert [d.content for d in docs] == [PAGE, NOTE]


# 2. A WARC record was read whole into memory


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_record_over_the_limit_is_refused_and_the_others_go_on(gzipped):
    big = ("<p>" + "a long page " * 1000 + "</p>").encode()
    data = _warc([("https://example.org/big", big, "text/html"),
                  ("https://example.org/note", NOTE.encode(), "text/plain")], gzipped)
    _, docs, errors = capture_bytes("crawl.warc", data, CaptureOptions(max_bytes=5000))
    assert [d.content for d in docs] == [NOTE]
    assert len(errors) == 1 and isinstance(errors[0], TooLarge)
    assert errors[0].origin == "crawl.warc:record:0"
    assert "5000" in errors[0].reason


def test_warc_record_that_decompresses_past_the_limit_is_refused():
    bomb = gzip.compress(b"<p>" + b"a" * 2_000_000 + b"</p>")
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                          ("Content-Encoding", "gzip")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "https://example.org/bomb", "response", payload=io.BytesIO(bomb), http_headers=headers))
    with pytest.raises(TooLarge) as info:
        capture_bytes("bomb.warc", buffer.getvalue(), CaptureOptions(max_bytes=100_000))
    assert info.value.origin == "bomb.warc:record:0"


# 3. A record whose text held a lone surrogate broke the SQLite insert later


@pytest.mark.parametrize("field", ["text", "title", "date", "url", "outlet"])
def test_json_record_with_a_lone_surrogate_is_refused(field):
    bad = {"text": "A report from Onsong.", field: "abc \ud800 def"}
    lines = [json.dumps({"text": "A report from Hoeryong."}), json.dumps(bad)]
    assert "\\ud800" in lines[1]  # written as a JSON escape, as a hostile file would
    _, docs, errors = capture_bytes("records.jsonl", "\n".join(lines).encode())
    assert [d.content for d in docs] == ["A report from Hoeryong."]
    assert len(errors) == 1 and isinstance(errors[0], MalformedInput)
    assert errors[0].origin == "records.jsonl:line:2"
    assert "lone surrogate" in errors[0].reason and repr(field) in errors[0].reason


def test_json_array_record_with_a_lone_surrogate_is_refused():
    data = b'[{"text": "Fine."}, {"text": "x \\udc80 y"}]'
    _, docs, errors = capture_bytes("records.json", data)
    assert [d.content for d in docs] == ["Fine."]
    assert errors[0].origin == "records.json:item:1" and "not valid Unicode" in errors[0].reason


# 4. Deep nesting and huge numbers raised tracebacks that abandoned the batch


def test_deeply_nested_json_line_is_refused_and_the_others_go_on():
    lines = [json.dumps({"text": "First."}), "[" * 100_000, "{" * 50_000,
             json.dumps({"text": "Last.", "extra": [[[[1]]]]})]
    _, docs, errors = capture_bytes("deep.jsonl", "\n".join(lines).encode())
    assert [d.content for d in docs] == ["First.", "Last."]
    assert [e.origin for e in errors] == ["deep.jsonl:line:2", "deep.jsonl:line:3"]
    assert all(isinstance(e, MalformedInput) and "nested" in e.reason for e in errors)


def test_deeply_nested_json_file_is_refused():
    with pytest.raises(MalformedInput) as info:
        capture_bytes("deep.json", b"[" * 100_000 + b"]" * 100_000)
    assert "nested" in info.value.reason


def test_brackets_inside_json_strings_do_not_count_as_nesting():
    record = {"text": "[" * 1000 + " a report in brackets " + "{" * 1000}
    _, docs, _ = capture_bytes("r.jsonl", json.dumps(record).encode())
    assert docs[0].content == record["text"]


def test_nesting_up_to_the_limit_is_accepted():
    nested: object = "deep"
    for _ in range(60):
        nested = [nested]
    _, docs, _ = capture_bytes("r.json", json.dumps({"text": "ok", "x": nested}).encode())
    assert docs[0].content == "ok"


@pytest.mark.parametrize("number", ["1" * 5000, "1" * 5000 + ".5", "-" + "9" * 200])
def test_a_very_long_number_is_refused_and_the_others_go_on(number):
    lines = [json.dumps({"text": "First."}), '{"text": "x", "date": ' + number + "}",
             json.dumps({"text": "Last.", "date": 2021})]
    _, docs, errors = capture_bytes("n.jsonl", "\n".join(lines).encode())
    assert [d.content for d in docs] == ["First.", "Last."]
    assert docs[1].published == "2021"
    assert errors[0].origin == "n.jsonl:line:2" and "number" in errors[0].reason


def test_bad_records_are_listed_up_to_a_limit_and_then_counted():
    lines = [json.dumps({"text": "The one good report."})] + ["[[" for _ in range(1500)]
    _, docs, errors = capture_bytes("many.jsonl", "\n".join(lines).encode())
    assert [d.content for d in docs] == ["The one good report."]
    assert len(errors) == 1001 and errors[-1].origin == "many.jsonl"
    assert errors[-1].reason.startswith("500 more bad records")


def test_a_record_file_whose_first_records_are_all_bad_is_refused_early():
    with pytest.raises(MalformedInput) as info:
        capture_bytes("bad.jsonl", b"{\n" * 100_000)
    assert "the first 1000 records are all bad" in info.value.reason


# 5. A two-member gzip lost its second member silently


def test_two_member_gzip_keeps_its_second_member():
    data = gzip.compress(b"First part of the report. ") + gzip.compress(b"Second part.")
    _, docs, _ = capture_bytes("x.txt.gz", data)
    assert docs[0].content == "First part of the report. Second part."


def test_gzip_members_are_bounded_by_the_limit_in_total():
    member = gzip.compress(b"a" * 6000)
    with pytest.raises(TooLarge):
        capture_bytes("x.txt.gz", member + member, CaptureOptions(max_bytes=10_000))


def test_gzip_with_garbage_after_its_member_is_corrupt():
    with pytest.raises(CorruptInput):
        capture_bytes("x.txt.gz", gzip.compress(b"A report.") + b"not gzip at all")


def test_gzip_padded_with_zero_bytes_is_read():
    _, docs, _ = capture_bytes("x.txt.gz", gzip.compress(b"A report.") + b"\0" * 512)
    assert docs[0].content == "A report."


# 6. UTF-16 / UTF-32 with a BOM was refused as binary


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-32", "utf-32-le", "utf-32-be"])
def test_text_with_a_byte_order_mark_is_read(encoding):
    text = "Arrests in Hyesan — “twelve people”, 혜산시"
    data = text.encode(encoding)
    if not encoding.endswith("-sig") and encoding[-2:] in ("le", "be"):
        data = "\ufeff".encode(encoding) + data
    _, docs, _ = capture_bytes("r.txt", data)
    assert docs[0].content == text


def test_text_with_a_bom_that_does_not_decode_is_refused():
    with pytest.raises(UndecodableInput) as info:
        capture_bytes("r.txt", b"\xff\xfe" + b"\x00\xd8" + b"a\x00")  # a lone surrogate
    assert "UTF-16" in info.value.reason


# 7. Anything not UTF-8 was silently read as cp1252


def test_cp1252_text_is_detected():
    text = ("Le propriétaire du café a déclaré : « Nous étions à la fenêtre, très inquiets ». "
            "The “café” owner said the police came at night.")
    _, docs, _ = capture_bytes("r.txt", text.encode("cp1252"))
    assert docs[0].content == text


def test_euc_kr_korean_text_is_detected():
    text = "혜산시에서 주민 3명이 체포되었다. " * 4
    _, docs, _ = capture_bytes("r.txt", text.encode("euc-kr"))
    assert docs[0].content == text


def test_declared_html_charset_is_used():
    page = ("<html><head><meta charset='euc-kr'></head><body><p>"
            + "혜산시에서 주민 3명이 체포되었다. " * 3 + "</p></body></html>")
    _, docs, _ = capture_bytes("p.html", page.encode("euc-kr"))
    assert docs[0].content == page


def test_random_bytes_are_refused_with_a_reason():
    rng = random.Random(7)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(2000))
    with pytest.raises(UndecodableInput) as info:
        capture_bytes("r.txt", data)
    assert "UTF-8" in info.value.reason


def test_mojibake_is_refused():
    # undefined in cp1252, and only a run of rare syllables in the Korean code page
    with pytest.raises(UndecodableInput):
        capture_bytes("r.txt", b"\x81\x8d\x8f\x90\x9d" * 20)


# 8. Inputs named on the command line or found in folders


def test_symlink_out_of_the_folder_is_refused_unless_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("private")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    [item] = iter_inputs([str(folder)])
    assert item.refused is not None and "outside the folder" in item.refused
    assert "--follow-symlinks" in item.refused
    with pytest.raises(InputError):
        read_input(item, 1000)
    [item] = iter_inputs([str(folder)], follow_symlinks=True)
    assert item.refused is None and read_input(item, 1000) == b"private"


def test_symlink_inside_the_folder_is_read(tmp_path):
    (tmp_path / "a.txt").write_text("report")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").symlink_to("../a.txt")
    items = list(iter_inputs([str(tmp_path)]))
    assert [i.refused for i in items] == [None, None, None]
    assert [read_input(i, 100) for i in items] == [b"report"] * 3


def test_directory_symlink_loop_is_not_followed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "r.txt").write_text("x")
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "sub" / "self").symlink_to(".")
    items = list(iter_inputs([str(tmp_path)], follow_symlinks=True))
    read = [i.origin for i in items if i.refused is None]
    assert read == [str(tmp_path / "sub" / "r.txt")]
    refused = [i for i in items if i.refused is not None]
    assert len(refused) == 2 and all("already listed" in (i.refused or "") for i in refused)


def test_skipped_entries_are_reported(tmp_path):
    (tmp_path / "good.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    os.mkfifo(tmp_path / "pipe")
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(tmp_path / "sock"))
        found = {Path(i.origin).name: i.refused for i in iter_inputs([str(tmp_path)])}
    finally:
        listener.close()
    assert found["good.txt"] is None
    assert "hidden file" in (found[".hidden.txt"] or "")
    assert "hidden folder" in (found[".git"] or "") and "config" not in found
    assert found["dangling.txt"] == "dangling symbolic link"
    assert "loop" in (found["loop.txt"] or "")
    assert found["pipe"] == "a named pipe (FIFO), not a regular file"
    assert found["sock"] == "a socket, not a regular file"
    assert list(found) == sorted(found)


def test_unreadable_folder_is_reported(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "r.txt").write_text("x")
    (tmp_path / "open.txt").write_text("x")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_inputs([str(tmp_path)]))
    assert [(Path(i.origin).name, i.refused) for i in items] == [
        ("locked", "cannot list folder: Permission denied"), ("open.txt", None)]


def test_current_folder_gives_origins_without_a_dot_prefix(tmp_path, monkeypatch):
    (tmp_path / "r.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert [i.origin for i in iter_inputs(["."])] == ["r.txt"]


def test_iter_inputs_is_lazy(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    found = iter_inputs([str(tmp_path)])
    assert inspect.isgenerator(found)
    assert next(found).origin == str(tmp_path / "a.txt")


def test_fifo_named_on_the_command_line_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome: list[BaseException | bytes] = []

    def read() -> None:
        try:
            outcome.append(read_input(Input(str(fifo), fifo), 1000))
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the reader so the thread ends
        with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass
        pytest.fail("read_input blocked on a named pipe")
    assert isinstance(outcome[0], InputError)
    assert "named pipe" in outcome[0].reason


def test_device_file_is_refused_not_read_until_memory_runs_out():
    with pytest.raises(InputError) as info:
        read_input(Input("/dev/zero", Path("/dev/zero")), 1000)
    assert "character device" in info.value.reason


def test_folder_named_as_a_file_is_refused(tmp_path):
    with pytest.raises(InputError) as info:
        read_input(Input(str(tmp_path), tmp_path), 1000)
    assert "folder" in info.value.reason


def test_file_name_with_a_non_utf8_byte_has_a_utf8_origin(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw, "wb") as out:
        out.write(b"A report about a cafe.")
    for item in [*iter_inputs([str(tmp_path)]), *iter_inputs([os.fsdecode(raw)])]:
        item.origin.encode("utf-8")  # no surrogate escape left in it
        assert item.origin.endswith("caf\\xe9.txt")
        assert os.fsencode(item.path) == raw
        data = read_input(item, 1000)
        capture, _, _ = capture_bytes(item.origin, data)
        assert capture.origin == item.origin
