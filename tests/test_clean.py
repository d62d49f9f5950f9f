from __future__ import annotations

from corroborate.capture import capture_bytes
from corroborate.clean import clean, detect_language, find_bylines
from corroborate.model import Document


def _clean_file(path):
    _, docs, _ = capture_bytes(str(path), path.read_bytes())
    return docs[0], clean(docs[0])


def test_web_page_copy_loses_its_furniture_by_shape(samples):
    _, report = _clean_file(samples / "seed-story-web-page.txt")
    assert report.title == ("Kim Jong Un Widens Phone Crackdown to Relatives of Defectors "
                            "in South Korea")
    for furniture in ("Email this story", "Share on social media", "Print this page",
                      "More ways to listen", "Go to the full website", "bus stop"):
        assert furniture not in report.text, furniture
    assert report.text.startswith("Kim Jong Un has personally ordered")
    # the credit line is read as bylines, not left in the text
    assert report.text.rstrip().endswith("which makes forbidden calls easy, the source added.")
    assert "Roseanne Gerin" not in report.text
    assert any("Written in English by Roseanne Gerin." in r for r in report.removed)
    assert ("written in english by", "Roseanne Gerin") in {(b.role, b.name)
                                                          for b in report.bylines}
    # a subheading in the middle of the article is kept
    assert "\nLittle hope for those caught\n" in report.text


def test_generic_furniture_rules_on_unseen_page():
    page = ("Officials Sent to Mines\n\nShare\nTweet\nSubscribe to our newsletter\n\n"
            "Six officials were sent to a coal mine as punishment, a source said.\n\n"
            "They had failed to report a defection in their unit, the source added.\n\n"
            "Related articles\nBack to top\n© 2024 Example News")
    report = clean(Document("0" * 64, "", "p.txt", "text/plain", page))
    assert report.title == "Officials Sent to Mines"
    assert report.text == ("Six officials were sent to a coal mine as punishment, a source "
                           "said.\n\nThey had failed to report a defection in their unit, the "
                           "source added.")


def test_offsets_map_back_to_the_capture(samples):
    doc, report = _clean_file(samples / "seed-story-web-page.txt")
    assert report.segments
    for seg in report.segments:
        piece = report.text[seg.start:seg.end]
        assert doc.content[seg.source_start:seg.source_start + len(piece)] == piece
    offset = report.text.index("Ministry of State Security")
    source = report.source_offset(offset)
    assert source is not None
    assert doc.content[source:source + 26] == "Ministry of State Security"


def test_record_date_line_and_bylines(samples):
    _, report = _clean_file(samples / "seed-story-record.txt")
    assert report.published == "2017-06-15"
    assert not report.text.startswith("date")
    assert report.title is None
    roles = {b.role: b.name for b in report.bylines}
    assert roles == {"reported by": "Jung Min Noh", "translated by": "Leejin Jun",
                     "written in english by": "Roseanne Gerin"}
    assert report.outlet == "Radio Free Asia"
    assert report.language == "en"


def test_html_main_text_and_metadata(samples):
    _, report = _clean_file(samples / "hyesan-public-trial.html")
    assert report.published == "2019-03-18"
    assert report.outlet == "Daily NK"
    assert report.title
    assert "Hyesan" in report.text
    assert "Subscribe" not in report.text
    # paragraphs found verbatim in the HTML are mapped back
    assert report.segments


def test_bylines_and_language_helpers():
    assert find_bylines("Edited by Ann Lee.")[0].name == "Ann Lee"
    assert detect_language("북한 당국은 휴대전화 사용자를 단속하고 있다") == "ko"
    assert detect_language("The police said that the men were held in the camp.") == "en"
