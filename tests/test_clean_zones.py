"""Where not to look: captions, credits, bylines, datelines and related-stories lists are
left out of a report's text (and listed in ``removed``); a text report's header block,
headline and bylines are read as metadata. Every report here is written for these tests."""

from __future__ import annotations

from corroborate.capture import capture_bytes
from corroborate.clean import clean
from corroborate.extract import extract
from corroborate.metadata import read_text_header
from corroborate.model import Document, Report


def _text(content: str, **fields: str) -> Report:
    return clean(Document("0" * 64, "", "report.txt", "text/plain", content, **fields))


def _html(content: str) -> Report:
    return clean(Document("0" * 64, "", "report.html", "text/html", content))


def _names(report: Report) -> set[str]:
    return {b.name for b in report.bylines}


BODY = ("Two men were shot in front of a crowd at the Hyesan airfield on 28 February 2024 "
        "for selling smuggled copper, a resident of Yanggang province said.\n\n"
        "Officials ordered every neighbourhood watch unit to send its members, and police "
        "officers checked attendance at the gate, the resident added.\n")


# --- captions --------------------------------------------------------------------------


def test_text_caption_date_is_not_in_the_text_but_the_body_date_is():
    first, _, second = BODY.partition("\n\n")
    report = _text(first + "\n\nPhoto: Border guards in Hyesan, August 2004\n\n" + second)
    assert "August 2004" not in report.text
    assert "28 February 2024" in report.text
    assert "Photo: Border guards in Hyesan, August 2004" in report.removed
    dates = {f.value for i in extract(report) for f in i.values("date")}
    assert not any(d.startswith("2004") for d in dates)


def test_caption_forms_in_text():
    captions = ["(Photo: Soldiers at a checkpoint near Hoeryong, 2011)",
                "[Photo = Yonhap] Guard post on the Tumen river in 2009",
                "Image: Paramilitary units parade in Pyongyang",
                "Riot police outside the court in 2012. (Photo: an outlet's archive)"]
    report = _text(BODY.replace("\n\n", "\n\n" + "\n\n".join(captions) + "\n\n"))
    for caption in captions:
        assert caption not in report.text, caption
        assert caption in report.removed, caption
    assert "Paramilitary" not in report.text
    assert report.text.startswith("Two men were shot")
    assert report.text.rstrip().endswith("the resident added.")


def test_html_figcaption_and_caption_classes_are_removed_and_recorded():
    page = (
        "<html><head><title>Executions in Hyesan</title></head><body><article>"
        "<h1>Executions in Hyesan</h1>"
        "<figure><img src='a.jpg'><figcaption>Border guards in Hyesan, August 2004"
        "</figcaption></figure>"
        f"<p>{BODY.split(chr(10))[0]}</p>"
        "<div class='wp-caption'><img src='b.jpg'><p class='wp-caption-text'>"
        "Paramilitary units at a rally, 2015</p></div>"
        f"<p>{BODY.split(chr(10))[2]}</p>"
        "<p>Photo: Market stalls in Hyesan in the winter of 2010</p>"
        "</article></body></html>")
    report = _html(page)
    assert "August 2004" not in report.text
    assert "Paramilitary" not in report.text
    assert "Market stalls" not in report.text
    assert "28 February 2024" in report.text and "checked attendance" in report.text
    assert "Border guards in Hyesan, August 2004" in report.removed
    assert "Photo: Market stalls in Hyesan in the winter of 2010" in report.removed


def test_a_large_container_named_photo_is_not_removed():
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY.split("\n") if line) * 4
    page = (f"<html><body><div class='photo-story'>{paragraphs}</div></body></html>")
    report = _html(page)
    assert "28 February 2024" in report.text


# --- credits and bylines -------------------------------------------------------------


def test_editor_credit_name_is_not_in_the_text_but_is_a_byline():
    report = _text(BODY + "\nEdited by Choi Hye-rin. Translated by Ann Morgan.\n\n"
                   "Copyright 2024 Example Korea Monitor. All rights reserved.\n")
    assert "Choi Hye-rin" not in report.text
    assert "Ann Morgan" not in report.text
    assert "Copyright" not in report.text
    assert {("edited by", "Choi Hye-rin"), ("translated by", "Ann Morgan")} <= {
        (b.role, b.name) for b in report.bylines}
    assert "Edited by Choi Hye-rin. Translated by Ann Morgan." in report.removed


def test_bylines_found_in_text():
    report = _text("Public trial held in Hoeryong\n\nBy Kim Ji-eun\n\n" + BODY
                   + "\nReporter Lee Min-ho\n")
    assert {"Kim Ji-eun", "Lee Min-ho"} <= _names(report)
    assert "Kim Ji-eun" not in report.text and "Lee Min-ho" not in report.text
    roles = {b.name: b.role for b in report.bylines}
    assert roles["Lee Min-ho"] == "reporter"


def test_byline_forms_with_outlets_give_the_outlet():
    report = _text("Jang Seul-gi | Daily NK\n\n" + BODY)
    assert _names(report) == {"Jang Seul-gi"}
    assert report.outlet == "Daily NK"
    report = _text("Reporter: Song Min-jae\n\n" + BODY)
    assert "Song Min-jae" in _names(report)
    assert "Song Min-jae" not in report.text


def test_body_lines_starting_like_credits_are_kept():
    body = ("By the time the trial began, thousands of residents had been gathered at the "
            "stadium, a source said.\n\n" + BODY)
    report = _text(body)
    assert report.text.startswith("By the time the trial began")
    assert not report.bylines


def test_html_byline_element_read_as_byline_and_dropped():
    page = ("<html><body><article><h1>Trial in Hyesan</h1>"
            "<div class='article-byline'>By Kim Ji-eun</div>"
            f"<p>{BODY.split(chr(10))[0]}</p><p>{BODY.split(chr(10))[2]}</p>"
            "<p class='credit'>Edited by Choi Hye-rin</p>"
            "</article></body></html>")
    report = _html(page)
    assert {"Kim Ji-eun", "Choi Hye-rin"} <= _names(report)
    assert "Kim Ji-eun" not in report.text and "Choi Hye-rin" not in report.text


# --- related stories ---------------------------------------------------------------------


def test_related_stories_list_removed_in_text():
    report = _text(BODY + "\nRelated stories\n"
                   "Smugglers sent to labour camp in Musan\n"
                   "N. Korea tightens border control ahead of holiday\n\n"
                   "Read more: Three officials dismissed in Chongjin\n")
    assert "Musan" not in report.text
    assert "Chongjin" not in report.text
    assert "Smugglers sent to labour camp in Musan" in report.removed
    assert report.text.rstrip().endswith("the resident added.")


def test_related_stories_list_removed_in_html():
    page = ("<html><body><article><h1>Trial in Hyesan</h1>"
            f"<p>{BODY.split(chr(10))[0]}</p><p>{BODY.split(chr(10))[2]}</p>"
            "<p>Related: Smugglers sent to labour camp in Musan</p><p>See also:</p>"
            "<ul><li><a href='/a'>Workers punished in Kimchaek</a>"
            "</li><li><a href='/b'>Three officials dismissed in Chongjin</a></li></ul>"
            "<div class='related-articles'><a href='/c'>Defector's family banished to "
            "Samjiyon</a></div>"
            "</article></body></html>")
    report = _html(page)
    for gone in ("Musan", "Kimchaek", "Chongjin", "Samjiyon"):
        assert gone not in report.text, gone
    assert "checked attendance" in report.text


# --- text reports carry their metadata -----------------------------------------------


HEADER = ("Title: Two shot at Hyesan airfield\n"
          "URL: https://www.dailynk.com/english/two-shot-at-hyesan-airfield/\n"
          "outlet: Daily NK\n"
          "DATE: 2024-03-05\n"
          "Byline: Kim Ji-eun\n"
          "Category: North Korea\n\n")


def test_text_header_is_parsed():
    report = _text(HEADER + BODY)
    assert report.title == "Two shot at Hyesan airfield"
    assert report.url == "https://www.dailynk.com/english/two-shot-at-hyesan-airfield/"
    assert report.outlet == "Daily NK"
    assert report.published == "2024-03-05"
    assert "Kim Ji-eun" in _names(report)
    assert report.text.startswith("Two men were shot")
    assert "Category: North Korea" in report.removed  # unknown key: out of the text, kept


def test_text_header_outlet_from_url_host_and_offsets_still_map():
    content = ("URL: https://www.dailynk.com/english/x/\nDate: 5 March 2024\n\n" + BODY)
    report = _text(content)
    assert report.outlet == "Daily NK"
    assert report.published == "2024-03-05"
    for seg in report.segments:
        assert content[seg.source_start:seg.source_start + seg.end - seg.start] == \
            report.text[seg.start:seg.end]


def test_record_fields_win_over_the_header():
    report = _text(HEADER + BODY, title="Given title", published="2024-01-01")
    assert report.title == "Given title"
    assert report.published == "2024-01-01"


def test_no_header_without_a_known_key():
    assert read_text_header("Pyongyang: Two men were shot.\n\nMore.").end == 0
    body = ("Source: a resident of Hyesan who asked not to be named because she feared for "
            "her family said the trial was held on Monday.\n\n" + BODY)
    report = _text(body)
    assert report.text.startswith("Source: a resident of Hyesan")
    assert report.outlet is None


def test_headline_with_a_full_stop_is_the_title():
    report = _text("N. Korea executes two in Hyesan.\n\n" + BODY)
    assert report.title == "N. Korea executes two in Hyesan."
    assert report.text.startswith("Two men were shot")
    report = _text("Two men shot for smuggling copper.\nBy Kim Ji-eun\nMarch 5, 2024\n\n"
                   + BODY)
    assert report.title == "Two men shot for smuggling copper."
    assert report.published == "2024-03-05"
    assert "Kim Ji-eun" in _names(report)
    assert report.text.startswith("Two men were shot")


def test_a_short_first_sentence_is_not_a_title():
    report = _text("Police detained a teacher in Hyesan last week, a source said.\n\n" + BODY)
    assert report.title is None
    assert report.text.startswith("Police detained a teacher")


def test_capture_keeps_the_removed_lines_byte_for_byte():
    data = (HEADER + "Photo: Border guards in Hyesan, August 2004\n\n" + BODY).encode()
    _, docs, _ = capture_bytes("in/report.txt", data)
    report = clean(docs[0])
    assert docs[0].content == data.decode()
    assert "August 2004" in docs[0].content and "August 2004" not in report.text


def test_a_stray_read_more_does_not_take_the_paragraph_under_it():
    report = _html("<html><body><article><p>Agents detained six traders in Hyesan on "
                   "Monday, a source said.</p><p>Read more</p><p>Two of them were beaten "
                   "in custody, the source added.</p></article></body></html>")
    assert "Two of them were beaten in custody" in report.text


def test_a_header_line_that_reads_as_a_sentence_is_the_body():
    report = _text("Title: Arrests in Hyesan\nPolice said: five people were detained.\n\n"
                   "The rest of the report follows here, a source said.")
    assert report.title == "Arrests in Hyesan"
    assert report.text.startswith("Police said: five people were detained.")


def test_a_header_running_into_the_body_ends_at_its_last_known_key():
    report = _text("Date: 2024-03-05\nHYESAN: Border guards shot a woman crossing the "
                   "river on Monday, a source said.\n\nShe was taken to a clinic.")
    assert report.published == "2024-03-05"
    assert report.text.startswith("HYESAN: Border guards shot a woman")


def test_a_first_line_with_a_colon_and_no_known_key_is_no_header():
    report = _text("Update: Police detained two activists in Musan.\nSource: Daily NK\n\n"
                   "Their families were told nothing, a source said.")
    assert report.text.startswith("Update: Police detained two activists")
