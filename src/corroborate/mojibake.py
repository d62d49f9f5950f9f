"""Mojibake: whether a decoding of bytes reads as text, and why not.

:func:`corroborate.readers.decode` holds every decoding it tries to these tests (docs/korean.md,
"Capture and cleaning"): unreadable characters, Hangul that is not Korean text, Latin-1 soup,
and text damaged before it was saved (replacement characters, Korean encoded twice). Each
returns the reason in plain words, or None.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["KOREAN_CODECS", "SYLLABLE", "WHATWG", "as_korean", "damage", "hangul_problem", "soup",
           "unreadable"]

_UNREADABLE = {"Co", "Cn", "Cs"}


def unreadable(sample: str) -> str | None:
    """Why ``sample`` is not text: over 1% replacement, private-use, unassigned, surrogate
    or control characters."""
    kinds = [(c, unicodedata.category(c)) for c in sample if ord(c) > 0x7e or c < " "]
    count = sum(1 for c, kind in kinds if kind in _UNREADABLE or c == "\ufffd"
                or (kind == "Cc" and not c.isspace()))
    return f"has {count} unreadable characters" if count * 100 > len(sample) else None


# --- Korean -------------------------------------------------------------------------------

KOREAN_CODECS = {"euc_kr", "cp949", "iso2022_kr", "johab"}
# the WHATWG Encoding Standard reads the label "euc-kr" (and its aliases) as windows-949,
# its superset: pages so labelled hold syllables EUC-KR lacks (똠, 햏)
WHATWG = {"euc_kr": "cp949"}
SYLLABLE = re.compile("[\uac00-\ud7a3]")
_HANJA = re.compile("[\u4e00-\u9fff\uf900-\ufaff]")
_JAMO = re.compile("[\u3131-\u318e]")
_UNSPACED = re.compile("[\uac00-\ud7a3\u4e00-\u9fff\uf900-\ufaff]{12,}")
_MIN_SYLLABLES = 4


@functools.cache
def _common_syllables() -> frozenset[str]:
    """The 2,350 Hangul syllables of KS X 1001 (EUC-KR rows 0xB0-0xC8): nearly every
    syllable of real Korean text is one of them."""
    pairs = (bytes((lead, trail)) for lead in range(0xB0, 0xC9) for trail in range(0xA1, 0xFF))
    return frozenset(pair.decode("euc_kr") for pair in pairs)


def hangul_problem(text: str) -> str | None:
    """Why the Hangul of a decoded text is not Korean, or None (also when it has little).

    Bytes read in the wrong code page give Hangul nobody writes: syllables outside KS X 1001
    (Shift_JIS read as CP949), more Hanja than Hangul (GB2312 read as CP949), loose jamo
    (EUC-JP kana read as EUC-KR), or long runs without a space (Korean puts one every few
    syllables; Chinese read as Korean has none).
    """
    sample = text[:65536]
    syllables = SYLLABLE.findall(sample)
    count = len(syllables)
    if count < _MIN_SYLLABLES:
        return None
    common = _common_syllables()
    rare = sum(1 for c in syllables if c not in common)
    if rare * 5 > count:
        return f"has {rare} rare Hangul syllables in {count}"
    hanja = len(_HANJA.findall(sample))
    if hanja > count:
        return f"has more Hanja ({hanja}) than Hangul ({count})"
    jamo = len(_JAMO.findall(sample))
    if jamo * 3 > count:
        return f"has {jamo} loose Hangul letters among {count} syllables"
    unspaced = sum(len(run) for run in _UNSPACED.findall(sample))
    if unspaced * 3 > count:
        return "has Hangul in runs of 12 or more characters without a space"
    return None


def as_korean(data: bytes) -> str | None:
    """``data`` read as CP949 when it reads as Korean: it decodes, at least 60% of its
    characters beyond ASCII are Hangul syllables and :func:`hangul_problem` finds nothing.

    Tried before charset-normalizer, which may read a short Korean text as Chinese; no
    other encoding's text decodes as CP949 into spaced, common Hangul. A byte that does not
    decode becomes U+FFFD, within the 1% :func:`unreadable` allows (a truncated page).
    """
    text = data.decode("cp949", errors="replace")  # a page cut inside its last character
    sample = text[:65536]
    beyond = sum(1 for c in sample if ord(c) > 0x7F and not c.isspace())
    syllables = len(SYLLABLE.findall(sample))
    if syllables < _MIN_SYLLABLES or syllables * 10 < beyond * 6:
        return None
    return None if unreadable(sample) or hangul_problem(sample) else text


# EUC-KR bytes read as Latin-1 or cp1252: every syllable two Latin-1 letters or symbols
_LATIN_RUN = re.compile("[\u00a1-\u00ff]{3,}")
_MIN_SOUP = 20


def soup(text: str) -> str | None:
    """Why a text is Latin-1 soup: at least 20 characters, and 30% of those from U+00A1 to
    U+00FF, in runs of three or more ("Çý»ê½Ã¿¡¼"); Western text puts at most two such
    letters side by side ("Größe")."""
    sample = text[:65536]
    high = sum(1 for c in sample if "\u00a1" <= c <= "\u00ff")
    if high < _MIN_SOUP:
        return None
    in_runs = sum(len(run) for run in _LATIN_RUN.findall(sample))
    if in_runs < _MIN_SOUP or in_runs * 10 < high * 3:
        return None
    first = _LATIN_RUN.search(sample)
    return f"is Latin-1 soup ({first.group() if first else ''!r}: bytes of another code page)"


# Korean UTF-8 read as cp1252 (or Latin-1) and saved as UTF-8 again: each syllable turns into
# "ê", "ë", "ì" or "í" and two characters standing for bytes 0x80-0xBF
_CONTINUATION = ("\u0080-\u00bf\ufffd"
                 + bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
_TWICE = re.compile(f"[\u00ea-\u00ed][{_CONTINUATION}]{{2}}")
_MIN_TWICE = 3


def damage(text: str) -> str | None:
    """Why a text that decodes was damaged before it was saved: replacement characters
    (U+FFFD) over 1% of it (at least 3), or Korean encoded twice (3 syllables or more)."""
    sample = text[:65536]
    replaced = sample.count("\ufffd")
    if replaced >= _MIN_TWICE and replaced * 100 > len(sample):
        return (f"has {replaced} replacement characters (U+FFFD): the text was damaged "
                f"by a wrong decoding before it was saved")
    # the letters a doubled syllable starts with are rare outside it: most texts skip the scan
    doubled = any(c in sample for c in "\u00ea\u00eb\u00ec\u00ed")
    twice = _TWICE.findall(sample) if doubled else []
    if len(twice) >= _MIN_TWICE:
        raw = "".join(twice[:4])
        was = b"".join(bytes((ord(c),)) if ord(c) < 0x100 else c.encode("cp1252")
                       for c in raw).decode("utf-8", errors="replace")
        return (f"is Korean encoded twice (UTF-8 read as cp1252 and saved again): "
                f"{raw!r} stands for {was!r}")
    return None
