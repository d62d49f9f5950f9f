"""Zones: the lines and elements of a page that are not the report's statements — captions,
credits, bylines, mastheads, related-stories lists, datelines, headlines.

They are what is said about a report, not by it: a caption's date was read as the incident's,
an editor as a victim. They are recognised by the shape of a whole line (a paragraph of
HTML), or in HTML by the element (``<figcaption>``, or a class or id naming one), left out of
the text and listed in ``Report.removed``; bylines and datelines are read. :mod:`.clean`
applies these rules (docs/clean.md); the sentence-shape tests they rest on
(``is_sentence``, ``word_count``) are here, and clean's furniture rules use them too.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from . import vocab
from .metadata import KO_DATE, KO_PUBLISHED, KO_TIME, KO_UPDATED, header_date
from .model import Byline

__all__ = ["RELATED", "credit_bylines", "dateline", "find_bylines", "headline", "is_sentence",
           "prune_zones", "related_items", "word_count", "zone", "zone_paragraphs"]

# what is_sentence decides, as a regex (its specification: tests/test_linear.py checks both
# agree); the regex itself takes quadratic time on a long line of full stops
_SENTENCE_END = re.compile(r"""[.!?:;]["'”’»)\]]*$|[.!?]["'”’»]?\s*\(?[^()]*\)?$""")
_CLOSERS = "\"'”’»)]"
_QUOTES = "\"'”’»"


def word_count(line: str) -> int:
    return len(line.split())


def is_sentence(line: str) -> bool:
    """Whether a line ends as a sentence: in sentence punctuation and closing quotes or
    brackets, or in a full stop and a parenthesis ("... said. (Reuters)").

    What ``_SENTENCE_END`` matches, decided from the end of the line in time linear in its
    length: the regex tried every full stop against the rest of the line, so a long line
    of full stops and parentheses took quadratic time.
    """
    line = line.rstrip()
    closed = line.rstrip(_CLOSERS)
    if closed and closed[-1] in ".!?:;":
        return True
    # a full stop followed by no parenthesis but a last ")", or by an optional quote, white
    # space and the "(" that opens the last parenthesis
    body = line[:-1] if line.endswith(")") else line
    paren = max(body.rfind("("), body.rfind(")"))
    if any(c in body[paren + 1:] for c in ".!?"):
        return True
    if paren < 0 or body[paren] != "(":
        return False
    before = body[:paren].rstrip()
    if before and before[-1] in _QUOTES:
        before = before[:-1]
    return bool(before) and before[-1] in ".!?"


# --- line rules ---------------------------------------------------------------------------

_NAME = r"[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|de|van|von|bin|al-\w+)){0,4}"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\band\b)\s*{_NAME})*"
_CAPTION = re.compile(
    r"^[(\[]?\s*(?:photos?|images?|pictures?|photograph|graphics?|illustration|file photo"
    r"|video|caption|사진|자료사진)\s*(?:[:=|/]|by\b|credits?\b|courtesy\b|[-–—]\s)"
    r"|^photo\s+courtesy\b|^(?:photo|image)\s+credit\b", re.I)
# "... in Hyesan. (Photo: Daily NK)": a caption that ends in its credit
_CAPTION_TAIL = re.compile(
    r"[(\[]\s*(?:photos?|images?|pictures?|사진)\s*(?:[:=|/]|by\b|courtesy\b)[^()\[\]]*[)\]]"
    r"\s*$", re.I)
_CAPTION_WORDS = 40
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s|all rights reserved)|all rights reserved\W*$",
                        re.I)
_CREDIT_WORDS = 30
_MAX_NAMES = 6
# "By Kim Ji-eun", "By Kim Ji-eun, Daily NK", "By Kim Ji-eun | 2024-03-05"
_BY_LINE = re.compile(rf"^(?i:by)\s+(?P<names>{_NAMES})(?:\s*(?:[,|/–—]|\s-|\bfor\b|\bof\b|\bat\b)"
                      r"\s*(?P<aff>[^\n]{2,80}?))?\s*\.?$")
# "Reporter Lee Min-ho", "Reporter: Lee Min-ho (lee@example.org)", "Translated: ..."
_ROLE_LINE = re.compile(
    rf"^(?P<role>(?i:(?:staff\s+|senior\s+|special\s+)?(?:reporter|correspondent|editor"
    rf"|translator|writer|author|photographer|contributor)s?))\s*[:：]?\s+(?P<names>{_NAMES})"
    r"(?:\s*(?:[,|/–—]|\s-)\s*(?P<aff>[^\n]{2,80}?))?\s*(?:\(?[\w.+-]+@[\w.-]+\)?)?\s*\.?$")
# "Jang Seul-gi | Daily NK": a name and a known outlet
_NAME_BAR = re.compile(rf"^(?P<names>{_NAMES})\s*[|/]\s*(?P<aff>[^|\n]{{2,60}})$")
_RELATED_KO = (r"관련\s*(?:기사|뉴스|보도|글)|많이\s*본\s*(?:기사|뉴스)"
               r"|(?:인기|추천|주요|최신)\s*(?:기사|뉴스)"
               r"|함께\s*(?:보면\s*좋은|볼\s*만한|읽으면\s*좋은)\s*(?:기사|뉴스)"
               r"|(?:이\s*)?기자의\s*다른\s*기사|다른\s*기사\s*보기|이\s*시각\s*(?:주요\s*)?뉴스")
RELATED = re.compile(
    r"^[\W_]*(?:(?:related(?:\s+(?:stories|story|articles?|news|content|coverage|posts|links"
    r"|reading))?|read\s+(?:more|also|next)|see\s+also|also\s+read|more\s+on\s+this(?:\s+story)?"
    r"|further\s+reading|you\s+may\s+also\s+like|recommended(?:\s+(?:stories|articles))?"
    rf"|more\s+stories|most\s+read)\b|(?:{_RELATED_KO})(?![\uac00-\ud7a3])[\]】)>〉]?)"
    r"\s*[:：»>|–—-]*\s*(?P<rest>.*)$", re.I)
_LIST_ITEM = re.compile(r"^(?:[-•*·▶►→▷>]|\d+[.)])\s")
_RELATED_ITEM_WORDS = 20
_RELATED_MAX_ITEMS = 15
_DATELINE = re.compile(
    r"^(?:(?:published|posted|updated|last\s+updated|date[ds]?|filed)\s*(?:on|:)?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?P<date>(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}\.?"
    r"|(?:19|20)\d{2}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일(?:\s*\(?[월화수목금토일](?:요일)?\)?)?"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+(?:19|20)\d{2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+"
    r"(?:19|20)\d{2})"
    r"(?:[\s,|·-]+(?:(?:오전\s*|오후\s*)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}|UTC|GMT)?"
    r"(?:[+-]\d{1,2}(?::?\d{2})?)?|updated.*))?\s*$", re.I)
# news-headline abbreviations a body sentence spells out
_HEADLINE_ABBR = re.compile(r"\b(?:N\.\s?Korea|S\.\s?Korea|N\.K\.|N\.\s?Korean|S\.\s?Korean"
                            r"|N\.\s?Koreans|S\.\s?Koreans)\b")
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according|reported|added)\b|[\"“”]", re.I)


def zone(line: str) -> str | None:
    """What a whole line is when it is not a statement of the report: "caption",
    "credit" (a byline, a credit or a copyright line), "related" (the head of a related
    stories list, or one such link); on a line holding Hangul also "comments" and "meta"
    (:func:`korean_zone`); else None."""
    words = word_count(line)
    if words <= _CAPTION_WORDS and (_CAPTION.match(line) or _CAPTION_TAIL.search(line)):
        return "caption"
    if words <= _CREDIT_WORDS and (_COPYRIGHT.search(line) or credit_bylines(line)
                                   is not None):
        return "credit"
    if words <= _RELATED_ITEM_WORDS and RELATED.match(line):
        return "related"
    return korean_zone(line) if _HANGUL.search(line) else None


# a credit line repeated on every page of a crawl is read once; outlets may be overlaid
@vocab.per_overlay(maxsize=4096)
def credit_bylines(line: str) -> tuple[Byline, ...] | None:
    """The bylines of a line that is nothing but credits ("By X", "Reporter X", "X | Daily
    NK", "Reported by X for Y. Translated by Z."), or None for any other line."""
    line = line.strip()
    if word_count(line) > _CREDIT_WORDS:
        return None
    m = _BY_LINE.match(line) or _ROLE_LINE.match(line) or _NAME_BAR.match(line)
    if m and len(re.split(r",|&|\band\b", m["names"])) > _MAX_NAMES:
        return None  # a list of names, not a byline
    m = _BY_LINE.match(line)
    if m and _plausible_names(m["names"]):
        return _named("author", m["names"], _affiliation(m["aff"]))
    m = _ROLE_LINE.match(line)
    if m and _plausible_names(m["names"]):
        role = " ".join(m["role"].lower().split()).rstrip("s")
        return _named(role, m["names"], _affiliation(m["aff"]))
    m = _NAME_BAR.match(line)
    if m and _plausible_names(m["names"]) and vocab.load("outlets").find(m["aff"]):
        return _named("author", m["names"], m["aff"].strip())
    if _HANGUL.search(line):
        korean = korean_credit(line)
        if korean is not None:
            return korean
    found = list(_BYLINE.finditer(line))
    if found:
        rest = _BYLINE.sub("", line)
        if not re.sub(r"[\W_]+|\band\b", "", rest):
            return find_bylines(line)
    return None


def _plausible_names(names: str) -> bool:
    """Not a date, an outlet or a time word taken for a name ("By March 2024")."""
    first = names.split()[0].rstrip(".,").lower()
    return (first not in _NOT_NAMES and not any(c.isdigit() for c in names))


_NOT_NAMES = {"the", "this", "that", "these", "then", "now", "contrast", "comparison",
              "january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december", "monday", "tuesday",
              "wednesday", "thursday", "friday", "saturday", "sunday", "far", "law", "order",
              "decree", "way", "mid", "late", "early", "end"}


def _affiliation(aff: str | None) -> str | None:
    if not aff:
        return None
    aff = aff.strip().rstrip(".")
    return None if header_date(aff) else aff or None


def _named(role: str, names: str, aff: str | None) -> tuple[Byline, ...]:
    """One byline per name; a name that is an outlet ("By Kim Ji-eun, Daily NK") is the
    affiliation."""
    parts = [n.strip().rstrip(".") for n in re.split(r",|&|\band\b", names) if n.strip()]
    outlets = vocab.load("outlets")
    people = [n for n in parts if not outlets.find(n) or len(parts) == 1]
    aff = aff or next((n for n in parts if n not in people), None)
    return tuple(Byline(role, n, aff) for n in people if n)


def dateline(line: str) -> str | None:
    """The date of a line that is nothing but a date ("March 5, 2024", "2024.03.05 14:20",
    "Published: 5 March 2024"), as ``YYYY-MM-DD``."""
    if word_count(line) > 10:
        return None
    m = _DATELINE.match(line.strip())
    return header_date(m["date"]) if m else None


def headline(line: str, standalone: bool, next_is_meta: bool, given: str | None) -> bool:
    """Whether the first line of a text is its headline: short, standing alone (a blank
    line or a byline or dateline under it), and either not shaped as a sentence or shaped
    as a headline with a full stop ("N. Korea executes two in Hyesan.": an abbreviation
    body text spells out, title case, or a byline or dateline under it). With a title
    given, only the given title or an unpunctuated line is taken."""
    if word_count(line) > 25 or not (standalone or next_is_meta):
        return False
    if not is_sentence(line):
        return True
    if given is not None:
        return " ".join(line.split()).casefold() == " ".join(given.split()).casefold()
    if line.rstrip(_CLOSERS)[-1:] != "." or _ATTRIBUTION.search(line):
        return next_is_meta
    return next_is_meta or bool(_HEADLINE_ABBR.search(line)) or _title_case(line)


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


_BYLINE = re.compile(
    r"\b(?P<role>Reported|Translated|Written in English|Written|Edited|Produced|Photographed"
    r"|Compiled)\s+by\s+(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})"
    r"(?:\s+(?:for|of|at)\s+(?P<aff>[^.;\n]{2,60}))?(?=[.;,\n]|$)")


def find_bylines(text: str) -> tuple[Byline, ...]:
    """Byline roles as stated: "Reported by X for Y. Translated by Z. Written in English by W."."""
    return tuple(
        Byline(f"{m['role'].lower()} by", m["name"].strip().rstrip("."),
               m["aff"].strip() if m["aff"] else None)
        for m in _BYLINE.finditer(text)
    )


def related_items(texts: list[str], lines: list[tuple[int, int, bool]], head: int
                  ) -> list[int]:
    """The links listed under a "Related stories" head: the short lines after it (at most
    15), up to the first long line, or the first line after a blank that is neither a
    list item nor headline-sized."""
    items: list[int] = []
    for j in range(head + 1, min(len(texts), head + 1 + _RELATED_MAX_ITEMS)):
        text = texts[j]
        if word_count(text) > _RELATED_ITEM_WORDS or zone(text) in ("related", "comments"):
            break
        # a sentence after a blank is the body again, even straight after the head: a
        # stray "Read more" must not take the paragraph under it
        if lines[j][2] and not _LIST_ITEM.match(text) and is_sentence(text) \
                and not _headline_shaped(text):
            break
        items.append(j)
    return items


def _headline_shaped(line: str) -> bool:
    return (not is_sentence(line) or bool(_HEADLINE_ABBR.search(line)) or _title_case(line)
            or bool(_LIST_ITEM.match(line)))


# --- Korean pages -------------------------------------------------------------------------
# The furniture of Korean news pages, recognised on lines holding Hangul only (English lines
# never reach these rules): docs/korean.md lists the forms.

_HANGUL = re.compile("[\uac00-\ud7a3]")
_KO_NAME = r"[\uac00-\ud7a3]{2,4}"
_KO_NAMES = rf"{_KO_NAME}(?:\s*[·ㆍ,]\s*{_KO_NAME}){{0,5}}"
_KO_ROLE = (r"(?:(?:선임|수석|전문|객원|수습|인턴|취재|사진|영상)\s?)?기자|특파원|통신원"
            r"|논설위원|편집위원")
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# "김한솔 기자", "김한솔·박영희 기자 hansol@example.kr", "[북녘소식 김한솔 기자]"
_KO_BYLINE = re.compile(
    rf"[\[(〈<【]?\s*(?:(?P<aff>[^\s\[\](){{}}<>〈〉【】]{{2,12}})\s+)?(?P<names>{_KO_NAMES})\s*"
    rf"(?P<role>{_KO_ROLE})\s*[\])〉>】]?\s*(?:[(<]?{_EMAIL}[)>]?)?\s*=?")
# "기자 김한솔", "취재: 김한솔", "에디터 양성원, 웹팀 김상일"
_KO_ROLE_WORDS = {"기자": "reporter", "취재": "reporter", "글": "reporter", "정리": "reporter",
                  "사진": "photographer", "에디터": "editor", "편집": "editor", "웹팀": "editor",
                  "번역": "translator"}
_KO_ROLE_PAIR = re.compile(rf"(?P<role>{'|'.join(_KO_ROLE_WORDS)})\s*[:：]?\s*(?P<name>{_KO_NAME})"
                           rf"(?:\s*[(<]?{_EMAIL}[)>]?)?")
# "워싱턴-김한솔 hansol@example.org": a radio bureau's byline
_KO_BUREAU = re.compile(rf"(?:(?:워싱턴|서울|도쿄|베이징|뉴욕|런던|단둥|선양|심양|옌지|연길)"
                        rf"\s*[-–]\s*(?P<name>{_KO_NAME})(?:\s*{_EMAIL})?"
                        rf"|[\uac00-\ud7a3]{{2,5}}\s*[-–]\s*"
                        rf"(?P<mailed>{_KO_NAME})\s*{_EMAIL})")
_KO_COPYRIGHT = re.compile(r"저작권자|무단\s*(?:전재|복제|배포)|재배포\s*(?:및\s*\S+\s*)?금지"
                           r"|^[\[(〈<《]?\s*[ⓒⒸ©]")
_KO_NOTICE = re.compile(r"[\[(〈<《]?\s*(?:<\s*)?(?:저작권자|copyright|[ⓒⒸ©]).*$", re.I)
# "(서울=연합뉴스) 김한솔 기자 = ": a wire credit opening the first paragraph. A tag without
# a reporter ("[매체=칼럼 이름]") stays: the article benchmark's truth counts it as text
_KO_LEAD = re.compile(rf"^[(\[【]\s*(?!사진|자료|그래픽|영상|캡처)[\uac00-\ud7a3]{{2,8}}\s*=\s*"
                      rf"(?P<aff>[^)\]】=]{{2,20}})[)\]】]\s*"
                      rf"(?P<names>{_KO_NAMES})\s*(?P<role>{_KO_ROLE})\s*=\s*")
_KO_CAPTION = re.compile(
    r"^[\[(<〈【]\s*(?:사진|자료\s*사진|그래픽|영상|캡처)\s*(?:제공)?\s*[\])>〉】]"
    # "▲ ... 사진=X", "▲ ... ⓒ X", "▲ ... X 촬영": not a "▲" list item ("▲ 정부 제공 식량")
    r"|^[▲△]\s*.{0,200}(?:사진|ⓒ|©|(?:제공|촬영)\s*[=)\]]|(?:제공|촬영)\W*$)"
    r"|(?:^|[\s/(\[<〈])(?:사진|자료사진|그래픽|영상)\s*(?:제공)?\s*[=＝]\s*[^=\s][^=]{0,40}$"
    r"|^(?:사진|자료사진|그래픽)\s*(?:제공|출처)\s*[=:：]?")
_KO_COMMENTS = re.compile(
    r"^(?:전체\s*)?(?:댓글|덧글|의견|코멘트)(?:\s*(?:쓰기|달기|보기|목록|입력\s*(?:박스|창|란)?|남기기"
    r"|작성|[\d,]+\s*(?:개|건)?|[(\[]\s*\d+\s*[)\]])|\s*[:：])*\s*$"
    r"|^(?:댓글|덧글)(?:을|를)?\s*(?:남겨|달아|써)\s*주세요\W*$")
# "구독하세요", "뉴스레터 구독하기": but not "구독하기 위해" (to subscribe) in a sentence
_KO_PROMPT = re.compile(r"(?:구독|후원)(?:하세요|하십시오|해\s*주세요)"
                        r"|(?:(?:구독|후원)(?:하기|\s*신청)|(?:채널|친구)\s*추가(?:하기)?)"
                        r"(?!\s*[\uac00-\ud7a3])|받아\s*보세요")
_KO_BUTTONS = (r"공유하기|공유|프린트|인쇄하기|인쇄|스크랩|글자\s*크기"
               r"|글씨\s*(?:크기|키우기|줄이기)|글자\s*(?:크게|작게)|기사\s*(?:저장|제보|보내기)"
               r"|제보하기|(?:이)?메일\s*보내기|이메일|페이스북|트위터|카카오톡|카카오스토리|카카오"
               r"|네이버\s*블로그|밴드|텔레그램|링크\s*복사|URL\s*복사|주소\s*복사|목록으로|목록"
               r"|맨\s*위로|북마크|닫기|좋아요|싫어요|추천하기"
               r"|구독하기|후원하기|(?:본문|기사)\s*듣기|facebook|twitter|kakao|print|share|e-?mail"
               # the site's menu: "홈 | 뉴스 | 로그인 | 회원가입"
               r"|홈|home|로그인|로그아웃|회원가입|전체\s*메뉴|메뉴|검색|사이트맵|뉴스|정치|경제|사회|국제"
               r"|북한|통일|오피니언|포토|연재|기획|칼럼")
# a meta line is nothing but these: dates, view and comment counts, bylines, buttons
_KO_SEGMENT = re.compile(
    rf"(?:(?P<label>{KO_PUBLISHED}|{KO_UPDATED})\s*(?:일시)?\s*[:：]?\s*)?(?P<date>{KO_DATE})"
    rf"(?:\s*{KO_TIME})?"
    r"|(?P<count>(?:조회\s*수?|읽음|열람|hits?|views?|댓글|덧글|추천|좋아요|공감|반대|공유)\s*[:：]?"
    r"\s*(?:[\d,]+|[(\[]\d+[)\]])\s*(?:회|개|건)?)"
    rf"|(?P<by>{_KO_NAMES}\s*(?:{_KO_ROLE})(?:\s*{_EMAIL})?)"
    rf"|(?P<button>{_KO_BUTTONS})", re.I)
_KO_GAP = re.compile(r"[\s|│/·,:：>•\-–—]*")
_KO_UPDATED = re.compile(rf"(?:{KO_UPDATED})\s*$")
_KO_META_WORDS = 24
_KO_PROMPT_WORDS = 15


def _ko_role(role: str) -> str:
    role = role.replace(" ", "")
    if role.startswith("사진"):
        return "photographer"
    if role in ("특파원", "통신원"):
        return "correspondent"
    return "writer" if role.endswith("위원") else "reporter"


def _tiled(line: str, pattern: re.Pattern[str]) -> list[re.Match[str]] | None:
    """The matches of ``pattern`` that tile ``line`` with only separators between them."""
    found: list[re.Match[str]] = []
    pos = 0
    for m in pattern.finditer(line):
        if not m.group().strip():
            continue
        if not _KO_GAP.fullmatch(line, pos, m.start()):
            return None
        found.append(m)
        pos = m.end()
    return found if found and _KO_GAP.fullmatch(line, pos) else None


def korean_credit(line: str) -> tuple[Byline, ...] | None:
    """The bylines of a Korean credit line ("김한솔 기자 hansol@...", "기자 김한솔", "워싱턴-김한솔
    ...@...", a copyright notice "〈저작권자 ⓒ ..., 무단전재 및 재배포 금지〉" after them or alone),
    or None for any other line."""
    line = line.strip()
    if word_count(line) > _CREDIT_WORDS:
        return None
    notice = _KO_NOTICE.search(line) if _KO_COPYRIGHT.search(line) else None
    rest = line[:notice.start()].strip() if notice else line
    if not rest:
        return () if notice else None
    m = _KO_BYLINE.fullmatch(rest)
    if m:
        return tuple(Byline(_ko_role(m["role"]), n.strip(), m["aff"])
                     for n in re.split(r"[·ㆍ,]", m["names"]) if n.strip())
    pairs = _tiled(rest, _KO_ROLE_PAIR)
    if pairs:
        return tuple(Byline(_KO_ROLE_WORDS[p["role"]], p["name"]) for p in pairs)
    m = _KO_BUREAU.fullmatch(rest)
    if m:
        return (Byline("reporter", m["name"] or m["mailed"]),)
    return () if notice else None


@functools.lru_cache(maxsize=4096)
def korean_meta(line: str) -> tuple[str | None, bool, tuple[Byline, ...]] | None:
    """A Korean page's meta line ("김한솔 기자 | 입력 2017.06.15 10:31 | 조회수 2,418", "공유하기
    프린트 스크랩") as (publication date, whether a label said so, bylines); None for any
    other line, and for a bare date (a dateline, read only at the head). A "수정" (updated)
    date is not the publication date."""
    if word_count(line) > _KO_META_WORDS or not _HANGUL.search(line):
        return None
    found = _tiled(line.strip(), _KO_SEGMENT)
    if not found or all(m["date"] and not m["label"] for m in found):
        return None
    date: str | None = None
    labelled = False
    bylines: list[Byline] = []
    for m in found:
        if m["by"]:
            bylines.extend(korean_credit(m["by"]) or ())
        value = header_date(m["date"]) if m["date"] else None
        if value is None or (m["label"] and _KO_UPDATED.match(m["label"])):
            continue
        if m["label"] and not labelled:
            date, labelled = value, True
        elif date is None:
            date = value
    return date, labelled, tuple(bylines)


def korean_zone(line: str) -> str | None:
    """What a line holding Hangul is when it is page furniture: "caption", "credit",
    "comments" (the head of a comments section), "meta" (dates, counts, bylines, buttons,
    subscription prompts); else None."""
    words = word_count(line)
    if words <= _CAPTION_WORDS and _KO_CAPTION.search(line):
        return "caption"
    if _KO_COMMENTS.match(line.strip()):
        return "comments"
    if korean_meta(line) is not None:
        return "meta"
    if words <= _KO_PROMPT_WORDS and _KO_PROMPT.search(line):
        return "meta"
    return None


def lead_credit(line: str) -> tuple[int, tuple[Byline, ...]] | None:
    """A wire credit opening a Korean paragraph ("(서울=연합뉴스) 김한솔 기자 = ..."): how many
    characters it takes and its bylines, or None."""
    m = _KO_LEAD.match(line)
    if not m or m.end() >= len(line):
        return None
    aff = m["aff"].strip()
    names = re.split(r"[·ㆍ,]", m["names"])
    return m.end(), tuple(Byline(_ko_role(m["role"]), n.strip(), aff) for n in names if n.strip())


# --- HTML elements ------------------------------------------------------------------------

_ZONE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:wp-)?(?:(?:fig|img|image|photo|pic)?caption|credits?|photos?|related"
    r"|bylines?|masthead)(?=$|[\s_-])", re.I)
_ZONE_TAGS = {"figcaption"}
# an element of a zone class with more text than this is a container, not the zone
# (a "photo-story" article body), unless it is mostly links (a related stories list)
_ZONE_MAX_CHARS = 600
_NEVER_ZONES = {"html", "body", "article", "main"}


_ZONE_WORD = re.compile("caption|credit|photo|related|byline|masthead", re.I)


def prune_zones(tree: Any) -> tuple[list[str], list[Byline]]:
    """Drop captions, credits, bylines, mastheads and related-stories lists from the tree
    (``<figcaption>``, or a class or id naming one); return their texts and the bylines
    read from them."""
    removed: list[str] = []
    bylines: list[Byline] = []
    doomed: list[tuple[Any, str]] = []
    # this loop sees every element of the page, so a cheap test first, and each class or
    # id value searched once (a page repeats a few hundred values over thousands of elements)
    named: dict[str, bool] = {}
    for el in tree.iter():
        if el.tag not in _ZONE_TAGS:
            classes, ident = el.get("class"), el.get("id")
            if not ((classes and _names_zone(classes, named))
                    or (ident and _names_zone(ident, named))):
                continue
            if (not isinstance(el.tag, str) or el.tag in _NEVER_ZONES
                    or not _ZONE_CLASS.search(f"{classes or ''} {ident or ''}")):
                continue
        text = " ".join(el.text_content().split())
        if len(text) > _ZONE_MAX_CHARS and not _link_dense(el, text):
            continue
        if el.find(".//article") is not None or el.find(".//main") is not None:
            continue
        doomed.append((el, text))
    chosen = {el for el, _ in doomed}
    for el, text in doomed:
        if any(ancestor in chosen for ancestor in el.iterancestors()):
            continue  # inside one removed already
        if text:
            removed.append(text)
            names = f"{el.get('class')} {el.get('id')}"
            if re.search(r"byline|author", names, re.I):
                bylines.extend(_element_bylines(text))
            elif re.search(r"credit", names, re.I):
                bylines.extend(credit_bylines(text) or ())
        _drop(el)
    return removed, bylines


def _names_zone(value: str, named: dict[str, bool]) -> bool:
    found = named.get(value)
    if found is None:
        found = named[value] = _ZONE_WORD.search(value) is not None
    return found


def _link_dense(el: Any, text: str) -> bool:
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iterfind(".//a"))
    return linked >= 0.5 * len(text)


def _element_bylines(text: str) -> tuple[Byline, ...]:
    """The people of a byline element: "By X", "Reporter X", or a short name alone."""
    credits = credit_bylines(text)
    if credits:
        return credits
    if word_count(text) <= 4 and re.fullmatch(_NAMES, text) and _plausible_names(text):
        return _named("author", text, None)
    return ()


def _drop(el: Any) -> None:
    """Remove an element, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def zone_paragraphs(paras: list[str], removed: list[str], bylines: list[Byline],
                    dates: list[str] | None = None, korean: bool = False) -> list[str]:
    """The paragraphs that are the report's own: captions, credits, related-stories lists
    and datelines left out (their text added to ``removed``, bylines read). On a Korean
    page (``korean``), also meta lines, datelines before the body and comments sections
    (a comments head after the body ends it); the publication dates they state are added to
    ``dates``, and a wire credit opening a paragraph is cut off it."""
    kept: list[str] = []
    skip = 0
    for i, para in enumerate(paras):
        if skip:
            skip -= 1
            removed.append(para)
            continue
        kind = zone(para)
        if kind is None and korean:
            para, kind = _korean_paragraph(para, bool(kept), removed, bylines, dates)
        if kind is None:
            kept.append(para)
            continue
        removed.append(para)
        if kind == "credit":
            bylines.extend(credit_bylines(para) or ())
        elif kind == "related" and not RELATED.match(para)["rest"]:  # type: ignore[index]
            skip = sum(1 for _ in related_items(paras, [(0, 0, True)] * len(paras), i))
        elif kind == "comments" and kept:
            skip = len(paras) - i - 1
        elif kind == "meta":
            _korean_meta_read(para, bool(kept), bylines, dates)
    return kept


def _korean_paragraph(para: str, body: bool, removed: list[str], bylines: list[Byline],
                      dates: list[str] | None) -> tuple[str, str | None]:
    """A paragraph of a Korean page that no line rule took: less a wire credit opening it;
    "dateline" when it is a date alone before the body (the date read)."""
    credit = lead_credit(para)
    if credit:
        removed.append(para[:credit[0]].strip())
        bylines.extend(credit[1])
        para = para[credit[0]:]
    found = None if body else dateline(para)
    if found and dates is not None:
        dates.append(found)
    return para, "dateline" if found else None


def _korean_meta_read(para: str, body: bool, bylines: list[Byline],
                      dates: list[str] | None) -> None:
    date, labelled, names = korean_meta(para) or (None, False, ())
    bylines.extend(names)
    if date and dates is not None and (labelled or not body):
        dates.append(date)
