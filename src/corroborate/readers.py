"""Readers: the text of a payload's bytes, and the documents in it, one reader per format.

A reader takes a capture, its uncompressed payload and the capture options, and returns the
documents it found and the errors of single records (a bad line in a JSON Lines file does
not lose the good ones). Whatever the bytes, a reader returns or raises an
:class:`InputError`; hostile input is held to these limits:

- JSON nested deeper than :data:`MAX_JSON_DEPTH` (64) arrays or objects is refused before
  it is parsed, by a linear scan of its brackets (the parser recurses, and a deep enough
  document would raise ``RecursionError``).
- A JSON number of more than :data:`MAX_NUMBER_CHARS` (100) characters is refused (Python
  converts long digit strings in quadratic time, and refuses ones over 4300 digits).
- A WARC record is read in chunks, and one whose content (after HTTP content encoding) is
  over ``max_bytes`` is refused alone.
- At most :data:`MAX_RECORD_ERRORS` (1000) bad records of one capture are listed, the rest
  counted; a record file whose first 1000 records are all bad is refused whole.
- Text fields holding a lone surrogate (``"\\ud800"`` in JSON) are refused: they are not
  Unicode, and nothing downstream could store them.
- Bytes that are not UTF-8 (and have no BOM, nor a declared charset that decodes them into
  text) are read as Korean (CP949) when they read as Korean, else in the encoding
  charset-normalizer finds likeliest among those browsers support, if the text then reads
  as text; they are refused as likely mojibake otherwise (see :func:`decode`), never read
  in a fallback code page. Text already damaged (replacement characters, Korean encoded
  twice) is refused too.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

import charset_normalizer
from charset_normalizer import CharsetMatch

from .errors import (
    CorruptInput,
    EmptyInput,
    InputError,
    MalformedInput,
    TooLarge,
    UndecodableInput,
)
from .model import Capture, Document
from .mojibake import (
    KOREAN_CODECS,
    SYLLABLE,
    WHATWG,
    as_korean,
    damage,
    hangul_problem,
    soup,
    unreadable,
)

if TYPE_CHECKING:
    from .capture import CaptureOptions

__all__ = ["MAX_JSON_DEPTH", "MAX_NUMBER_CHARS", "MAX_RECORD_ERRORS", "decode", "jsonl_records",
           "read_csv", "read_html", "read_json", "read_jsonl", "read_text", "read_warc"]

log = logging.getLogger(__name__)

HTML = "text/html"
TEXT = "text/plain"
JSONL = "application/x-ndjson"
JSON = "application/json"
CSV = "text/csv"
WARC = "application/warc"

MAX_JSON_DEPTH = 64
MAX_NUMBER_CHARS = 100
MAX_RECORD_ERRORS = 1000

_CHUNK = 1 << 16

Read = tuple[list[Document], list[InputError]]

# --- bytes to text ---------------------------------------------------------------------

_BOMS = (  # UTF-32 LE first: its BOM begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# codecs that are no character set of a page: they rewrite escapes or need a BOM we lacked
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "utf-7",
                 "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
# the legacy encodings of the WHATWG Encoding Standard: a page is in one browsers read
_WEB_ENCODINGS = [
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "cp874", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7",
    "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "koi8_r", "koi8_u", "mac_roman", "mac_cyrillic", "cp866", "gb18030", "big5", "euc_jp",
    "iso2022_jp", "cp932", "shift_jis", "cp949", "euc_kr",
]
# the encodings most used on the web, most used first
_COMMON = ("cp1252", "cp1251", "euc_kr", "cp949", "gb18030", "cp932", "shift_jis", "euc_jp",
           "big5", "cp1250", "iso8859_2", "cp1256", "cp1253", "cp1254", "cp1255", "cp874",
           "koi8_r", "iso8859_15", "cp1257")
_NEAR_CHAOS, _NEAR_COHERENCE = 0.01, 0.05
_MAX_CHAOS = 0.1
_MAX_TRIES = 5  # each try decodes the whole payload
# a Latin-1 symbol inside a word ("zatrzyma³a") is a letter of another code page
_SYMBOL_IN_WORD = re.compile(  # but not "·" (Catalan "l·l"), nor the letters "ª", "µ", "º"
    r"(?<=[^\W\d_])[\u00a1-\u00a9\u00ab-\u00b4\u00b6\u00b8\u00b9\u00bb-\u00bf\u00d7\u00f7]"
    r"(?=[^\W\d_])")
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]")


def decode(origin: str, data: bytes, declared: str | None = None) -> str:
    """Bytes to text, refusing binary data and mojibake.

    A byte order mark (UTF-8, UTF-16 or UTF-32) decides; otherwise UTF-8, then the
    ``declared`` charset if it decodes into text, then CP949 if the bytes read as Korean
    (:func:`~.mojibake.as_korean`), then charset-normalizer's likeliest encodings in turn. A
    decoding is refused when it is chaotic (over 10%), when over 1% of its characters
    are unreadable (replacement, private-use, unassigned or control), when it has no space
    or punctuation in 64 characters, a Latin-1 symbol inside a word (Polish read as cp1252:
    "zatrzyma³a"), is mostly halfwidth katakana (Cyrillic read as Shift_JIS) or has Hangul
    that is not Korean text (:func:`~.mojibake.hangul_problem`). A declared charset is held to the
    unreadable and Hangul tests, and refused when the bytes are Korean in CP949 but it
    reads them otherwise (a page declaring Latin-1: "Çý»ê½Ã"); the text is then read as the
    bytes say, with a warning. Text that decodes but was damaged before (U+FFFD runs,
    Korean encoded twice) is refused (:func:`~.mojibake.damage`).
    """
    text = _decode_bom(origin, data)
    if text is not None:
        _refuse_binary(origin, text[:8192].encode("utf-8"))
        return _undamaged(origin, text)
    _refuse_binary(origin, data[:8192])
    try:
        return _undamaged(origin, data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    text, wrong = _decode_declared(data, declared) if declared else (None, None)
    if text is not None:
        return _undamaged(origin, text)
    korean = as_korean(data)
    if korean is not None:
        log.info("%s: not UTF-8; read as Korean (cp949)", origin)
    try:
        text, read_as = (korean, "cp949") if korean is not None else _guess(origin, data)
    except UndecodableInput as exc:
        if wrong:
            raise UndecodableInput(origin, f"declared {declared}, but as {declared} it "
                                           f"{wrong}; and {exc.reason}") from exc
        raise
    if wrong:
        log.warning("%s: declared %s, but as %s it %s: read as %s", origin, declared,
                    declared, wrong, read_as)
    return _undamaged(origin, text)


def _decode_bom(origin: str, data: bytes) -> str | None:
    tried: list[str] = []
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                tried.append(label)
    if tried:
        raise UndecodableInput(
            origin, f"starts with a {tried[-1]} byte order mark but is not valid {tried[-1]}")
    return None


def _refuse_binary(origin: str, sample: bytes) -> None:
    if b"\x00" in sample or len(_BINARY.findall(sample)) > len(sample) // 100:
        raise UndecodableInput(origin, "binary data, not text")


def _decode_declared(data: bytes, declared: str) -> tuple[str | None, str | None]:
    """The text in the declared charset, or None and why not (None: it does not decode)."""
    try:
        codec = codecs.lookup(declared).name
        if codec in _NOT_CHARSETS:
            return None, None
        codec = WHATWG.get(codec, codec)
        text = data.decode(codec)
    except (LookupError, ValueError):  # ValueError: UnicodeError and its kin
        return None, None
    if _LONE_SURROGATE.search(text):
        return None, None
    problem = unreadable(text[:65536]) or hangul_problem(text) or soup(text)
    if problem is None and codec not in KOREAN_CODECS and len(SYLLABLE.findall(text[:4096])) < 4:
        korean = as_korean(data)
        if korean is not None:
            problem = f"reads {_excerpt(text)!r} where CP949 reads {_excerpt(korean)!r}"
    return (None, problem) if problem else (text, None)


def _excerpt(text: str) -> str:
    """A few characters from the first one beyond ASCII: where mojibake shows."""
    first = next((i for i, c in enumerate(text) if ord(c) > 0x7F), 0)
    return text[first:first + 12]


def _guess(origin: str, data: bytes) -> tuple[str, str]:
    """The text in the likeliest encoding that reads as text, and that encoding."""
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=_WEB_ENCODINGS))
    problems: list[str] = []
    for match in _ranked(matches)[:_MAX_TRIES]:
        try:
            text = str(match)
        except (UnicodeError, LookupError) as exc:
            problems.append(f"{match.encoding} fails ({exc})")
            continue
        problem = _mojibake(text, match.chaos) or hangul_problem(text) or soup(text)
        if problem is None:
            log.info("%s: not UTF-8; read as %s", origin, match.encoding)
            return text, match.encoding
        problems.append(f"as {match.encoding} it {problem}")
    if not problems:
        raise UndecodableInput(origin, "not UTF-8, and no character encoding fits it")
    raise UndecodableInput(origin, f"not UTF-8, and {problems[0]}: likely mojibake")


def _ranked(matches: list[CharsetMatch]) -> list[CharsetMatch]:
    """charset-normalizer's order, but the commonest first of those as likely as the best."""
    if not matches:
        return []
    best = matches[0]
    # an uncommon encoding must be clearly better than a common one; a common one, just better
    chaos, coherence = (1e-9, 1e-9) if best.encoding in _COMMON else (_NEAR_CHAOS,
                                                                       _NEAR_COHERENCE)
    near = [m for m in matches if m.chaos <= best.chaos + chaos
            and m.coherence >= best.coherence - coherence]

    def rank(match: CharsetMatch) -> int:
        return _COMMON.index(match.encoding) if match.encoding in _COMMON else len(_COMMON)

    near.sort(key=rank)
    return near + [m for m in matches if all(m is not n for n in near)]


def _mojibake(text: str, chaos: float) -> str | None:
    """Why ``text`` does not read as text, or None."""
    if chaos > _MAX_CHAOS:
        return f"is {chaos:.0%} chaotic"
    sample = text[:65536]
    problem = unreadable(sample)
    if problem:
        return problem
    kinds = [(c, unicodedata.category(c)) for c in sample]
    separators = sum(1 for c, kind in kinds if kind[0] in "PZ" or c.isspace())
    if len(sample) >= 20 and separators * 64 < len(sample):
        return "has no spaces or punctuation"
    inside = _SYMBOL_IN_WORD.search(sample)
    if inside:
        return f"has symbols inside words ({sample[inside.start() - 1:inside.end() + 1]!r})"
    if len(_HALFWIDTH_KANA.findall(sample)) * 5 > len(sample):
        return "is mostly halfwidth katakana"
    return None


def _undamaged(origin: str, text: str) -> str:
    problem = damage(text)
    if problem:
        raise UndecodableInput(origin, f"{problem}: likely mojibake")
    return text


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)
_TYPE_CHARSET = re.compile(r"""charset=["']?([\w-]+)""", re.I)


def _declared_charset(data: bytes, content_type: str = "") -> str | None:
    match = _TYPE_CHARSET.search(content_type)
    if match:
        return match.group(1)
    meta = _META_CHARSET.search(data[:4096])
    return meta.group(1).decode("ascii") if meta else None


# --- readers -----------------------------------------------------------------------------


def read_html(capture: Capture, data: bytes, options: CaptureOptions) -> Read:
    text = decode(capture.origin, data, _declared_charset(data))
    if "<" not in text or not re.search(r"<\s*[a-zA-Z!]", text):
        raise MalformedInput(capture.origin, "no HTML markup in a file named as HTML")
    return [Document(capture.sha256, "", capture.origin, HTML, text)], []


def read_text(capture: Capture, data: bytes, options: CaptureOptions) -> Read:
    text = decode(capture.origin, data)
    if not text.strip():
        raise EmptyInput(capture.origin, "only white space")
    return [Document(capture.sha256, "", capture.origin, TEXT, text)], []


def _record_document(
    capture: Capture, locator: str, record: object, options: CaptureOptions,
) -> Document:
    where = f"{capture.origin}:{locator}"
    if not isinstance(record, dict):
        raise MalformedInput(where, "a record must be a JSON object")
    text = record.get(options.text_field)
    if not isinstance(text, str) or not text.strip():
        raise EmptyInput(where, f"no text in field {options.text_field!r}")

    def opt(name: str) -> str | None:
        value = record.get(name)
        return str(value).strip() or None if value not in (None, "") else None

    url, title = opt(options.url_field), opt(options.title_field)
    published, outlet = opt(options.date_field), opt(options.outlet_field)
    for name, value in ((options.text_field, text), (options.url_field, url),
                        (options.title_field, title), (options.date_field, published),
                        (options.outlet_field, outlet)):
        lone = _LONE_SURROGATE.search(value) if value else None
        if lone:
            raise MalformedInput(where, f"field {name!r} holds a lone surrogate "
                                        f"(\\u{ord(lone.group()):04x}), not valid Unicode")
    return Document(capture.sha256, locator, where, TEXT, text, url=url, title=title,
                    published=published, outlet=outlet)


class _OverLimit(Exception):
    """JSON over one of the limits in the module docstring; the message says which."""


# a string runs to its closing quote or to the end, so the scan never backtracks
_JSON_TOKENS = re.compile(r'"(?:[^"\\]++|\\.?)*+"?|[\[\]{}]', re.S)


def _check_depth(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        mark = token.group()[0]
        if mark in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise _OverLimit(f"nested deeper than {MAX_JSON_DEPTH} arrays or objects")
        elif mark in "]}":
            depth -= 1


def _bounded_number(convert: Callable[[str], object]) -> Callable[[str], object]:
    def parse(literal: str) -> object:
        if len(literal) > MAX_NUMBER_CHARS:
            raise _OverLimit(f"a number of {len(literal)} characters "
                             f"(the limit is {MAX_NUMBER_CHARS})")
        return convert(literal)
    return parse


_DECODER = json.JSONDecoder(parse_int=_bounded_number(int), parse_float=_bounded_number(float))


def _load_json(text: str) -> object:
    """``json.loads`` within the limits: raises ``_OverLimit`` or ``JSONDecodeError``."""
    _check_depth(text)
    return _DECODER.decode(text)


class _Errors:
    """The errors of single records: the first ``MAX_RECORD_ERRORS`` kept, the rest counted."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.kept: list[InputError] = []
        self.more = 0

    def append(self, error: InputError) -> None:
        if len(self.kept) < MAX_RECORD_ERRORS:
            self.kept.append(error)
        else:
            self.more += 1

    def check_hope(self, docs: list[Document]) -> None:
        """Refuse the file once its first records are all bad: it is not of this format."""
        if not docs and len(self.kept) >= MAX_RECORD_ERRORS:
            raise MalformedInput(self.origin, f"the first {MAX_RECORD_ERRORS} records are all "
                                              f"bad ({self.kept[0].reason}, ...)")

    def listed(self) -> list[InputError]:
        if not self.more:
            return self.kept
        return [*self.kept, MalformedInput(
            self.origin, f"{self.more} more bad records (only the first "
                         f"{MAX_RECORD_ERRORS} are listed)")]


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text``, one at a time (a list of millions of short lines is huge).

    Only "\\n" ends a line: JSON strings may hold U+2028, U+0085 and the like unescaped.
    """
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end + 1


def read_jsonl(capture: Capture, data: bytes, options: CaptureOptions) -> Read:
    errors = _Errors(capture.origin)
    lines = _lines(decode(capture.origin, data))
    docs = list(jsonl_records(capture, lines, options, errors))
    return docs, errors.listed()


def jsonl_records(capture: Capture, lines: Iterable[str], options: CaptureOptions,
                  errors: _Errors) -> Iterator[Document]:
    """The documents of JSON Lines, one line at a time (a large capture is read this way
    from its file, never whole: ``capture.py``); bad records go to ``errors``."""
    found = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if not found:
            errors.check_hope([])
        locator = f"line:{number}"
        where = f"{capture.origin}:{locator}"
        try:
            doc = _record_document(capture, locator, _load_json(line), options)
        except json.JSONDecodeError as exc:
            errors.append(MalformedInput(where, f"bad JSON ({exc.msg})"))
        except _OverLimit as exc:
            errors.append(MalformedInput(where, f"refused JSON: {exc}"))
        except InputError as exc:
            errors.append(exc)
        else:
            found = True
            yield doc


_OBJECT_FIRST = re.compile(r"\s*\{")


def read_json(capture: Capture, data: bytes, options: CaptureOptions) -> Read:
    text = decode(capture.origin, data)
    try:
        value = _load_json(text)
    except (json.JSONDecodeError, _OverLimit) as exc:
        if _OBJECT_FIRST.match(text) and "\n{" in text:  # JSON Lines saved as .json
            return read_jsonl(capture, data, options)
        if isinstance(exc, _OverLimit):
            raise MalformedInput(capture.origin, f"refused JSON: {exc}") from exc
        raise MalformedInput(capture.origin, f"bad JSON ({exc.msg}, line {exc.lineno})") from exc
    records = value if isinstance(value, list) else [value]
    docs: list[Document] = []
    errors = _Errors(capture.origin)
    for index, record in enumerate(records):
        errors.check_hope(docs)
        try:
            docs.append(_record_document(capture, f"item:{index}", record, options))
        except InputError as exc:
            errors.append(exc)
    return docs, errors.listed()


def read_csv(capture: Capture, data: bytes, options: CaptureOptions) -> Read:
    text = decode(capture.origin, data)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    docs: list[Document] = []
    errors = _Errors(capture.origin)
    try:
        if reader.fieldnames is None or options.text_field not in reader.fieldnames:
            raise MalformedInput(capture.origin, f"no {options.text_field!r} column in the header")
        for number, row in enumerate(reader, start=1):
            errors.check_hope(docs)
            locator = f"row:{number}"
            if None in row or any(v is None for v in row.values()):
                errors.append(MalformedInput(
                    f"{capture.origin}:{locator}",
                    "row has a different number of fields than the header"))
                continue
            try:
                docs.append(_record_document(capture, locator, row, options))
            except InputError as exc:
                errors.append(exc)
    except csv.Error as exc:
        raise MalformedInput(capture.origin, f"bad CSV at line {reader.line_num} ({exc})") from exc
    return docs, errors.listed()


def _warc_errors() -> tuple[type[BaseException], ...]:
    """What warcio raises on damaged input (AttributeError: a cut HTTP header block)."""
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    return (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, zlib.error,
            gzip.BadGzipFile, ValueError, IndexError, KeyError, AttributeError)


def read_warc(capture: Capture, data: bytes, options: CaptureOptions) -> Read:
    from warcio.archiveiterator import ArchiveIterator

    docs: list[Document] = []
    errors = _Errors(capture.origin)
    try:
        records = ArchiveIterator(io.BytesIO(data), check_digests=False)
        for record in records:
            content_type = _warc_content_type(record)
            if content_type is None:
                continue
            body = _read_limited(record.content_stream(), options.max_bytes)
            # only now: asking the offset reads the record to its end
            locator = f"record:{records.get_record_offset()}"
            where = f"{capture.origin}:{locator}"
            if body is None:
                errors.append(TooLarge(
                    where, f"record content over the limit of {options.max_bytes} bytes"))
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            try:
                text = decode(where, body, _declared_charset(body, content_type))
            except InputError as exc:
                errors.append(exc)
                continue
            media = HTML if "html" in content_type else TEXT
            docs.append(Document(capture.sha256, locator, where, media, text, url=url))
    except _warc_errors() as exc:
        first_line = next((s.strip() for s in str(exc).splitlines() if s.strip()), repr(exc))
        raise CorruptInput(capture.origin, f"damaged or truncated WARC ({first_line})") from exc
    return docs, errors.listed()


def _warc_content_type(record: Any) -> str | None:
    """The content type of a record holding a report, or None for any other record."""
    if record.rec_type not in ("response", "resource"):
        return None
    headers = record.http_headers or record.rec_headers
    content_type = (headers.get_header("Content-Type") or "").lower()
    if "html" not in content_type and "text/plain" not in content_type:
        return None
    return str(content_type)


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def _read_limited(stream: _Readable, limit: int) -> bytes | None:
    """All of ``stream`` read in chunks, or None once it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
