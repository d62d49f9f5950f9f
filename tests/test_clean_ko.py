"""Korean pages come out clean: furniture (comments, view counts, date lines, captions,
related lists, bylines, copyright notices, buttons, subscription prompts) left out of the
text and kept in ``removed``; the publication date, bylines and title read (docs/korean.md,
"Capture and cleaning"). Fixtures: tests/fixtures/ko, written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate.capture import capture_bytes
from corroborate.clean import clean
from corroborate.model import Byline, Document, Report
from corroborate.pipeline import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "ko"
BODY = (FIXTURES / "body.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p.strip() for p in BODY.split("\n\n") if p.strip()]


def _clean_file(name: str, data: bytes | None = None) -> tuple[Document, Report]:
    raw = data if data is not None else (FIXTURES / name).read_bytes()
    _, [doc], _ = capture_bytes(name, raw)
    return doc, clean(doc)


def _clean_text(text: str, **fields: str) -> Report:
    return clean(Document("0" * 64, "", "t.txt", "text/plain", text, **fields))


def _maps_back(doc: Document, report: Report) -> bool:
    return all(doc.content[s.source_start:s.source_start + s.end - s.start]
               == report.text[s.start:s.end] for s in report.segments)


# -- a page copied as text: every class of furniture --------------------------------------

FURNITURE = {
    "site menu": "홈 | 뉴스 | 로그인 | 회원가입",
    "subscription prompt (head)": "북녘소식 뉴스레터 구독하기",
    "byline, date and view count line": "김한솔 기자 | 입력 2017.06.15 10:31 | 수정 2017.06.16 "
                                        "09:12 | 조회수 2,418",
    "share buttons": "공유하기 프린트 스크랩 글자크기",
    "[사진=] caption": "[사진=북녘소식 자료사진] 혜산시 압록강변 주택가의 모습.",
    "▲ caption with a photo credit": "▲ 장마당 입구에 붙은 포고문. 사진=북녘소식 통신원",
    "ⓒ credit": "ⓒ 북녘소식",
    "byline with e-mail": "김한솔 기자 hansol@example.kr",
    "copyright notice": "〈저작권자 ⓒ 북녘소식, 무단전재 및 재배포 금지〉",
    "related articles head": "관련기사",
    "related article link": "회령서 휴대전화 사용자 무더기 적발",
    "most read head": "많이 본 기사",
    "most read link": "2. 무산 광산 노동자 임금 체불",
    "subscription prompt (tail)": "북녘소식 기사를 구독하세요. "
                                  "매일 아침 전자우편으로 보내드립니다.",
    "comments head": "댓글 2",
    "comment input box": "덧글 입력박스",
    "comment": "평양시민 2017-06-15 11:02 이런 일이 또 있었군요. 국경 지역 사람들이 정말 "
               "걱정됩니다.",
}


@pytest.fixture(scope="module")
def page_copy() -> tuple[Document, Report]:
    return _clean_file("page_copy.txt")


@pytest.mark.parametrize("kind", list(FURNITURE))
def test_each_class_of_furniture_is_out_of_the_text_and_kept_in_removed(page_copy, kind):
    doc, report = page_copy
    line = FURNITURE[kind]
    assert line in doc.content  # the fixture holds it
    assert line not in report.text
    assert line in report.removed


def test_the_body_is_kept_whole_and_maps_back(page_copy):
    doc, report = page_copy
    assert report.text.split("\n\n") == PARAGRAPHS
    assert _maps_back(doc, report)


def test_date_byline_title_and_language_of_the_copied_page(page_copy):
    _, report = page_copy
    assert report.published == "2017-06-15"  # 입력, not 수정 2017-06-16 nor a comment's date
    assert report.bylines == (Byline("reporter", "김한솔"),)
    assert report.title == "혜산서 밀수 혐의 주민 5명 체포…보위국 “본보기로 엄벌”"
    assert report.language == "ko"


# -- publication dates ----------------------------------------------------------------------

LEAD = PARAGRAPHS[0]


@pytest.mark.parametrize(("line", "published"), [
    ("등록일 2017-06-15", "2017-06-15"),
    ("등록일 : 2017-06-15 | 조회수 : 1,234", "2017-06-15"),
    ("입력 2017.06.15 10:31", "2017-06-15"),
    ("입력 2017.06.15 오전 10:31 | 수정 2017.06.20 09:00", "2017-06-15"),
    ("기사입력 2017/06/15", "2017-06-15"),
    ("발행일 2017년 6월 15일", "2017-06-15"),
    ("승인 2017.06.15 10:31", "2017-06-15"),
    ("2017년 6월 15일 (목)", "2017-06-15"),
    ("2017.06.15 10:31", "2017-06-15"),
    ("수정 2017.06.20 09:00", None),  # an update is not the publication date
])
def test_korean_date_lines_give_the_publication_date(line, published):
    report = _clean_text(f"{line}\n\n{BODY}")
    assert report.published == published
    assert line not in report.text and line in report.removed
    assert report.text.startswith(LEAD)


def test_a_labelled_date_under_the_body_counts_but_a_bare_one_stays_text():
    labelled = _clean_text(f"{BODY}\n등록일 2017-06-15\n")
    assert labelled.published == "2017-06-15" and "등록일" not in labelled.text
    bare = _clean_text(f"{BODY}\n2017년 6월 15일\n\n{BODY}")
    assert bare.published is None and "2017년 6월 15일" in bare.text


def test_a_record_date_wins_over_the_page_date():
    report = _clean_text(f"입력 2017.06.15 10:31\n\n{BODY}", published="2017-06-14")
    assert report.published == "2017-06-14"


# -- bylines --------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "bylines"), [
    ("김한솔 기자", [Byline("reporter", "김한솔")]),
    ("김한솔 기자 hansol@example.kr", [Byline("reporter", "김한솔")]),
    ("김한솔·박영희 기자", [Byline("reporter", "김한솔"), Byline("reporter", "박영희")]),
    ("[북녘소식 김한솔 기자]", [Byline("reporter", "김한솔", "북녘소식")]),
    ("기자 김한솔", [Byline("reporter", "김한솔")]),
    ("홍길동 특파원", [Byline("correspondent", "홍길동")]),
    ("워싱턴-박영희 park@example.org", [Byline("reporter", "박영희")]),
    ("에디터 양성원, 웹팀 김상일", [Byline("editor", "양성원"), Byline("editor", "김상일")]),
    ("김한솔 기자 hansol@example.kr 〈저작권자 ⓒ 북녘소식, 무단전재 및 재배포 금지〉",
     [Byline("reporter", "김한솔")]),
])
def test_korean_bylines_are_read_and_left_out(line, bylines):
    report = _clean_text(f"{BODY}\n\n{line}\n")
    assert list(report.bylines) == bylines
    assert line in report.removed and report.text.split("\n\n") == PARAGRAPHS


def test_a_wire_credit_opening_the_lead_is_cut_off_and_read():
    report = _clean_text(f"(서울=북녘소식) 김한솔 기자 = {BODY}")
    assert report.text.split("\n\n") == PARAGRAPHS
    assert report.bylines == (Byline("reporter", "김한솔", "북녘소식"),)
    assert "(서울=북녘소식) 김한솔 기자 =" in report.removed
    assert report.segments[0].source_start == len("(서울=북녘소식) 김한솔 기자 = ")


@pytest.mark.parametrize("line", [
    "[사진] 혜산시 압록강변의 겨울 모습",
    "<사진=북녘소식 통신원>",
    "혜산 장마당 입구의 모습. /사진=북녘소식",
    "▲ 혜산시 장마당 모습. 2016년 8월 북녘소식 통신원 촬영",
    "▲ 포고문이 붙은 게시판 (북녘소식 제공)",
    "사진 제공=북녘소식",
])
def test_korean_caption_forms_are_left_out(line):
    report = _clean_text(f"{BODY}\n\n{line}\n\n{BODY}")
    assert line not in report.text and line in report.removed


@pytest.mark.parametrize("line", [
    "▲ 정부가 제공하던 식량 배급이 지난달부터 끊겼다",
    "노동신문을 구독하기 위해 주민들은 매달 돈을 더 내야 했다고 한다.",
    "그는 기자에게 댓글을 단 사람들까지 조사를 받았다고 말했다.",
    "김 기자는 보위원이 사진을 찍어 갔다고 전했다.",
    "소식통은 관련 기사가 나간 뒤 단속이 더 심해졌다고 덧붙였다.",
])
def test_body_sentences_that_only_mention_furniture_words_stay(line):
    report = _clean_text(f"{BODY}\n\n{line}\n\n{BODY}")
    assert line in report.text.split("\n\n")


def test_a_comments_head_before_the_body_takes_only_itself():
    report = _clean_text(f"댓글 0\n\n{BODY}")
    assert report.text.split("\n\n") == PARAGRAPHS and "댓글 0" in report.removed


# -- text header in Korean -------------------------------------------------------------------


def test_a_korean_text_header_is_read():
    _, report = _clean_file("header.txt")
    assert report.title == "무산 광산 노동자 3명 공개재판 후 교화소행"
    assert report.published == "2019-03-08"
    assert report.outlet == "북녘소식"
    assert report.bylines == (Byline("reporter", "박영희"),)
    assert "분류: 북한 인권" in report.removed  # an unknown key: left out, not read
    assert report.text.startswith("함경북도 무산군의 철광산에서")


def test_a_radio_transcript_is_not_taken_for_a_header():
    _, report = _clean_file("radio.txt")
    # "앵커:" and "기자:" open sentences of the body: no header, nothing lost
    assert report.title is None
    assert report.text.startswith("앵커: 북한 양강도에서")
    assert "기자: 이 소식통은 지난 한 달 사이에만" in report.text
    assert report.bylines == (Byline("reporter", "박영희"), Byline("editor", "양성원"),
                              Byline("editor", "김상일"))


# -- HTML -----------------------------------------------------------------------------------


def test_a_korean_news_page_in_html():
    doc, report = _clean_file("article.html")
    assert report.text.split("\n\n") == PARAGRAPHS
    # the <title> less " - 북녘소식"
    assert report.title == "혜산서 밀수 혐의 주민 5명 체포…보위국 “본보기로 엄벌”"
    assert report.published == "2017-06-15"
    assert report.bylines == (Byline("reporter", "김한솔"),)
    assert report.language == "ko"
    for line in ("▲ 장마당 입구에 붙은 포고문. 사진=북녘소식 통신원", "ⓒ 북녘소식",
                 "〈저작권자 ⓒ 북녘소식, 무단전재 및 재배포 금지〉",
                 "북녘소식 기사를 구독하세요. 매일 아침 전자우편으로 보내드립니다."):
        assert line in report.removed
    assert _maps_back(doc, report)


def test_a_board_page_in_cp949_without_a_declared_charset():
    page = (FIXTURES / "board.html").read_text(encoding="utf-8")
    page = page.replace('<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">',
                        "")
    doc, report = _clean_file("board.html", page.encode("cp949"))
    assert report.title == "회령 노동단련대 수감자 크게 늘어"  # "< 북한 < 기사본문 - ..." cut
    assert report.published == "2018-11-02"
    assert report.bylines == (Byline("reporter", "박영희", "북녘소식"),)
    paragraphs = report.text.split("\n\n")
    assert paragraphs[0].startswith("함경북도 회령시")  # the wire credit cut off
    assert paragraphs[-1].endswith("‘햏골’이라는 별명으로 부른다고 전했다.")
    assert len(paragraphs) == 4  # no comment after the comments head
    for line in ("등록일 : 2018-11-02 | 조회수 : 1,234", "2018년 11월 2일 (금)",
                 "[사진] 회령시 외곽에 있는 노동단련대 건물(자료사진)", "[관련기사]",
                 "▶ 무산 광산 노동자 공개재판", "공유하기 | 프린트 | 스크랩 | 목록", "댓글 (1)",
                 "덧글 입력박스"):
        assert line in report.removed, line
    assert _maps_back(doc, report)


def test_an_ingested_korean_page_keeps_its_date_bylines_and_removed(store, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes((FIXTURES / "page_copy.txt").read_text(encoding="utf-8").encode("cp949"))
    result = ingest(store, [str(path)])
    assert result.ok and result.reports == 1
    [report] = store.reports()
    assert report.published == "2017-06-15" and report.language == "ko"
    assert report.bylines == (Byline("reporter", "김한솔"),)
    assert "덧글 입력박스" in report.removed and "덧글" not in report.text


def _page(head: str, body_html: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html lang='ko'><head><meta charset='utf-8'>{head}</head><body><article>"
            f"{body_html}{paragraphs}</article></body></html>")


@pytest.mark.parametrize(("head", "body_html", "title"), [
    # the site's name after the headline: cut when the page names its site
    ("<title>혜산서 주민 체포 - 북녘소식</title><meta property='og:site_name' content='북녘소식'>",
     "", "혜산서 주민 체포"),
    ("<title>혜산서 주민 체포 | 북녘소식</title><meta property='og:site_name' content='북녘소식'>",
     "", "혜산서 주민 체포"),
    # a " - " inside the headline stays when nothing says what follows it is the site
    ("<title>김정은 - 시진핑 회담 뒤 국경 단속 강화</title>", "",
     "김정은 - 시진핑 회담 뒤 국경 단속 강화"),
    # the page's <h1> is the headline the title starts with
    ("<meta property='og:title' content='혜산서 주민 체포 :: 북녘소식 뉴스'>",
     "<h1>혜산서 주민 체포</h1>", "혜산서 주민 체포"),
    ("<title>혜산서 주민 체포 &lt; 북한 &lt; 기사본문 - 북녘소식</title>", "", "혜산서 주민 체포"),
])
def test_the_title_of_a_korean_page_is_its_headline(head, body_html, title):
    doc = Document("0" * 64, "", "p.html", "text/html", _page(head, body_html))
    assert clean(doc).title == title


def test_an_english_title_keeps_its_site_name():
    head = ("<title>Two detained in Hyesan - Border Watch</title>"
            "<meta property='og:site_name' content='Border Watch'>")
    body = ("<p>Police in Hyesan detained two traders on Monday, a source in the city said, "
            "and took away their goods.</p>")
    page = f"<html><head>{head}</head><body><article>{body}</article></body></html>"
    doc = Document("0" * 64, "", "p.html", "text/html", page)
    assert clean(doc).title == "Two detained in Hyesan - Border Watch"
