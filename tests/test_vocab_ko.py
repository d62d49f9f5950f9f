"""Korean vocabularies: Korean names of the same terms, found inside inflected and compounded
runs of Hangul (혜산시에서, 보위부가, 체포됐다), and checked when their files are read.

The sentences are written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate import korean, overlay, vocab
from corroborate.errors import CorroborateError
from corroborate.pipeline import ingest
from corroborate.store import Store

HYESAN = "KP:KP-10:Hyesan"


def _found(text: str, vocabulary: str) -> list[tuple[str, str]]:
    """(term id, quote) of each hit, checking that every quote is the text at its span."""
    hits = vocab.find_all(text, (vocabulary,))[vocabulary]
    assert all(text[h.start:h.end] == h.quote for h in hits)
    return [(h.term.id, h.quote) for h in hits]


def _ids(text: str, vocabulary: str) -> set[str]:
    return {term for term, _ in _found(text, vocabulary)}


# --- agencies ------------------------------------------------------------------------------

AGENCIES = [
    ("국가보위성", "kp_mss"), ("보위부", "kp_mss"), ("보위국", "kp_mss"), ("보위원", "kp_mss"),
    ("사회안전성", "kp_mps"), ("안전부", "kp_mps"), ("보안서", "kp_mps"), ("보안원", "kp_mps"),
    ("인민보안성", "kp_mps"), ("인민보안부", "kp_mps"),
    ("보위사령부", "kp_military_security"), ("국경경비대", "kp_border_guard"),
    ("조선인민군", "kp_kpa"), ("검찰소", "kp_prosecutors"), ("재판소", "kp_courts"),
    ("인민반", "kp_inminban"), ("109상무", "kp_group_109"),
    ("비사회주의 그루빠", "kp_non_socialist_inspection"),
    ("그루빠", "kp_non_socialist_inspection"), ("중국 공안", "cn_public_security"),
]


@pytest.mark.parametrize(("name", "term"), AGENCIES)
@pytest.mark.parametrize("ending", ["", "가", "는", "에서", "에게", "의", "들이", "에서도"])
def test_each_agency_is_found_before_any_particle(name, term, ending):
    text = f"지난달 {name}{ending} 주민 몇 명을 데려갔다고 한다."
    assert _found(text, "organisations") == [(term, name)]


def test_an_agency_after_its_level_and_inside_a_compound():
    assert _found("도보위부에서 조사를 받았다", "organisations") == [("kp_mss", "보위부")]
    assert _found("군보안서 구류장에 갇혔다", "organisations") == [("kp_mps", "보안서")]
    # 군 보위국 is the army's security bureau, not the county's 보위국
    assert _ids("군보위국이 나섰다", "organisations") == {"kp_military_security"}
    assert _ids("군 보위국이 나섰다", "organisations") == {"kp_military_security"}
    # a place and an agency in one run: both are found, each with its own span
    text = "양강도보위국에서 넘겨받았다"
    assert _found(text, "regions") == [("KP-10", "양강도")]
    assert _found(text, "organisations") == [("kp_mss", "보위국")]


def test_a_generic_korean_name_is_contextual_as_in_english():
    [hit] = vocab.find_all("군인들이 막아섰다", ("organisations",))["organisations"]
    assert (hit.term.id, hit.via) == ("kp_kpa", "context")


# --- places --------------------------------------------------------------------------------

PROVINCES = [("양강도", "KP-10"), ("량강도", "KP-10"), ("양강", "KP-10"), ("함경북도", "KP-09"),
             ("함북", "KP-09"), ("자강도", "KP-04"), ("평안북도", "KP-03"), ("평북", "KP-03"),
             ("함경남도", "KP-08"), ("황해남도", "KP-05"), ("평양", "KP-01")]


@pytest.mark.parametrize(("name", "code"), PROVINCES)
@pytest.mark.parametrize("ending", ["", "의", "에서는", "까지"])
def test_each_province_in_either_spelling(name, code, ending):
    assert _found(f"{name}{ending} 국경 봉쇄가 이어졌다", "regions") == [(code, name)]


def test_the_province_suffix_is_optional_and_part_of_the_span():
    assert _found("양강도에서 온 사람", "regions") == [("KP-10", "양강도")]
    assert _found("양강도민", "regions") == []  # 민 is no ending we know
    # 량강 + 도당 (the provincial party committee): a compound of two names
    assert _found("량강도당에서", "regions") == [("KP-10", "량강")]
    assert _found("량강도당에서", "organisations") == [("kp_wpk", "도당")]
    assert _found("지린성 연길시", "regions") == [("CN-JL", "지린성")]


CITIES = [
    ("혜산", "혜산", HYESAN), ("혜산시", "혜산시", HYESAN), ("혜산시에서", "혜산시", HYESAN),
    ("혜산에서", "혜산", HYESAN), ("혜산시의", "혜산시", HYESAN), ("혜산시장에서", "혜산", HYESAN),
    ("무산", "무산", "KP:KP-09:Musan"), ("무산군에서", "무산군", "KP:KP-09:Musan"),
    ("회령시가", "회령시", "KP:KP-09:Hoeryong"), ("온성군의", "온성군", "KP:KP-09:Onsong"),
    ("청진시", "청진시", "KP:KP-09:Chongjin"), ("신의주에서", "신의주", "KP:KP-03:Sinuiju"),
    ("만포시로", "만포시", "KP:KP-04:Manpo"), ("강계까지", "강계", "KP:KP-04:Kanggye"),
    ("김정숙군에서", "김정숙군", "KP:KP-10:Kimjongsuk county"),
    ("남양노동자구에서", "남양노동자구", "KP:KP-09:Namyang"),
    ("구성시", "구성시", "KP:KP-03:Kusong"), ("연봉동에서", "연봉동", "KP:KP-10:Yonbong-dong"),
    ("단둥에서", "단둥", "CN:CN-LN:Dandong"), ("도문시", "도문시", "CN:CN-JL:Tumen"),
    ("투먼", "투먼", "CN:CN-JL:Tumen"), ("장백현", "장백현", "CN:CN-JL:Changbai"),
]


@pytest.mark.parametrize(("written", "quote", "place"), CITIES)
def test_cities_and_counties_with_and_without_their_suffix(written, quote, place):
    assert _found(f"소식통은 {written} 벌어진 일을 전했다", "places") == [(place, quote)]


def test_countries_and_demonyms():
    assert _found("북한에서는 요즘", "countries") == [("KP", "북한")]
    assert _found("로씨야와 중국으로", "countries") == [("RU", "로씨야"), ("CN", "중국")]
    assert _found("중국인 상인", "countries") == []  # a demonym, as "Chinese" in English
    assert _found("중국인 상인", "demonyms") == [("CN", "중국인")]
    assert _found("북한 주민들이", "demonyms") == [("KP", "북한 주민")]


NOT_NAMES = [
    ("무산계급의 이익", "places"),  # 무산 (Musan) before an ending we do not know
    ("계획이 무산됐다", "places"),  # a place takes no verb ending
    ("연봉이 올랐다", "places"),  # 연봉동 is listed with its suffix: 연봉 is a salary
    ("구성이 좋다", "places"),
    ("신혜산 거리", "places"),  # a name in the middle of a run
    ("남북한관계", "countries"),
    ("조선족 사회와 조선소 노동자", "countries"),
    ("북한산 등산로", "countries"),
    ("혜산보다시피", "places"),
]


@pytest.mark.parametrize(("text", "vocabulary"), NOT_NAMES)
def test_a_name_inside_another_word_is_not_found(text, vocabulary):
    assert _found(text, vocabulary) == []


# --- violations and punishments ------------------------------------------------------------

VERB_FORMS = [
    ("체포됐다", "arbitrary_detention", "체포"), ("체포되었다", "arbitrary_detention", "체포"),
    ("체포해", "arbitrary_detention", "체포"), ("체포된", "arbitrary_detention", "체포"),
    ("체포당했다는", "arbitrary_detention", "체포"), ("긴급체포돼", "arbitrary_detention", "체포"),
    ("구류됐다가", "arbitrary_detention", "구류"), ("구속되었고", "arbitrary_detention", "구속"),
    ("고문을", "torture", "고문"), ("고문당했다", "torture", "고문"),
    ("구타했다", "physical_assault", "구타"), ("강제북송됐으며", "forced_repatriation", "강제북송"),
    ("북송된", "forced_repatriation", "북송"), ("추방되었다", "banishment", "추방"),
    ("총살됐다", "killing", "총살"), ("공개처형했다", "killing", "공개처형"),
    ("비공개 처형이", "killing", "비공개 처형"), ("비공개처형이", "killing", "비공개처형"),
    ("연좌제로", "collective_punishment", "연좌제"), ("강제노동에", "forced_labour", "강제노동"),
    ("실종됐다", "enforced_disappearance", "실종"), ("도청하고", "surveillance", "도청"),
]


@pytest.mark.parametrize(("written", "term", "quote"), VERB_FORMS)
def test_violations_in_their_verb_forms(written, term, quote):
    assert _found(f"그 주민은 {written} 전해졌다", "violations") == [(term, quote)]


PUNISHMENTS = [
    ("공개처형됐다", "execution", "공개처형"), ("총살당했다", "execution", "총살"),
    ("관리소로", "political_prison_camp", "관리소"),
    ("정치범수용소에", "political_prison_camp", "정치범수용소"),
    ("교화소에서", "reeducation_camp", "교화소"),
    ("노동단련대에", "labour_training_camp", "노동단련대"),
    ("집결소를", "detention_centre", "집결소"), ("연좌제가", "guilt_by_association", "연좌제"),
    ("추방됐다", "banishment", "추방"), ("벌금을", "fine", "벌금"),
]


@pytest.mark.parametrize(("written", "term", "quote"), PUNISHMENTS)
def test_punishments_in_their_forms(written, term, quote):
    assert _found(f"그는 결국 {written} 알려졌다", "punishments") == [(term, quote)]


@pytest.mark.parametrize("written", ["체포될", "체포되지", "체포하면", "처형될"])
def test_an_act_that_may_not_have_happened_is_not_found(written):
    assert _found(f"그는 {written} 위기에 놓였다", "violations") == []


# --- outlets, groups, charges --------------------------------------------------------------

def test_outlets_and_a_latin_name_before_a_particle():
    text = ("자유아시아방송(RFA)에 따르면, 데일리NK와 아시아프레스도 이를 전했고 "
            "RFA는 다시 확인했다.")
    assert _found(text, "outlets") == [("rfa", "자유아시아방송"), ("rfa", "RFA"),
                                       ("daily_nk", "데일리NK"), ("asiapress", "아시아프레스"),
                                       ("rfa", "RFA")]


def test_groups_and_charges():
    text = "탈북민 가족과 밀수꾼들, 여성들이 중국 손전화로 한국 드라마를 보다 단속됐다."
    assert _found(text, "groups") == [("defector_families", "탈북민 가족"),
                                      ("smugglers", "밀수꾼"), ("women", "여성")]
    assert _found(text, "charges") == [("phones", "중국 손전화"),
                                       ("foreign_media", "한국 드라마")]


def test_lookup_reads_a_korean_phrase_with_its_ending():
    assert vocab.load("places").lookup("혜산시에서").id == HYESAN
    assert vocab.load("organisations").lookup("보위부").id == "kp_mss"
    assert vocab.load("places").lookup("무산계급") is None


# --- helpers others use --------------------------------------------------------------------

def test_hangul_helpers():
    assert korean.is_hangul("혜산") and not korean.is_hangul("혜산1")
    assert korean.has_hangul("RFA는") and not korean.has_hangul("Hyesan")
    assert list(korean.hangul_runs("In 혜산시에서, 109상무 came")) == [(3, 8), (10, 15)]
    assert korean.strip_particles("혜산에서는") == "혜산"
    assert korean.strip_particles("주민들이") == "주민"
    assert "에서" in korean.grammar().particles
    assert "소식통" in korean.source_words().nouns


# --- data checks ---------------------------------------------------------------------------

def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


BAD_FILES = [
    ("organisations.yaml", "kp_nonsuch: [보위부대장]\n", "kp_nonsuch", "no such term"),
    ("organisations.yaml", "kp_mss: [검열대]\nkp_mps: [검열대]\n", "kp_mps", "claimed twice"),
    ("organisations.yaml", "kp_mps: [bowibu]\n", "kp_mps", "claimed twice"),
    # the spaced name is found written together too: listing both claims it twice
    ("violations.yaml", "torture: [물 고문, 물고문]\n", "torture", "claimed twice"),
    ("organisations.yaml", "kp_mss: {aliases: [보위대], patterns: [보위.*]}\n", "kp_mss",
     "unknown key 'patterns'"),
    ("places.yaml", '"KP:KP-10:Hyesan": [혜]\n', "KP:KP-10:Hyesan", "one syllable"),
    ("regions.yaml", "KP-99: [없는도]\n", "KP-99", "no such term"),
    ("demonyms.yaml", "KP: {aliases: [조선인], contextual_aliases: [인민]}\n", "KP",
     "unknown key 'contextual_aliases'"),
]


@pytest.mark.parametrize(("file", "content", "entry", "reason"), BAD_FILES)
def test_a_bad_korean_file_is_an_error_naming_file_and_entry(tmp_path, file, content, entry,
                                                             reason):
    folder = _write(tmp_path / "ko", file, content)
    with pytest.raises(CorroborateError) as caught:
        vocab.korean_names(file.removesuffix(".yaml"), folder)
    message = str(caught.value)
    assert file in message and repr(entry) in message and reason in message


def test_a_good_korean_file_in_either_form(tmp_path):
    folder = _write(tmp_path / "ko", "groups.yaml",
                    "- id: smugglers\n  aliases: [밀수조]\n- id: women\n  aliases: [아낙네]\n")
    found = vocab.korean_names("groups", folder)
    assert {k: v.aliases for k, v in found.items()} == {"smugglers": ("밀수조",),
                                                        "women": ("아낙네",)}


BAD_GRAMMARS = [
    ("particles: [에서, in]\n", "'in' is not a Hangul string"),
    ("particles: [에서, 에서]\n", "listed twice"),
    ("particles: [가]\nsuffixes: {villages: [리]}\n", "unknown vocabulary 'villages'"),
    ("particles: [가]\nendings: [다]\n", "unknown key 'endings'"),
]


@pytest.mark.parametrize(("content", "reason"), BAD_GRAMMARS)
def test_a_bad_grammar_is_an_error(tmp_path, content, reason):
    path = _write(tmp_path, "endings.yaml", content) / "endings.yaml"
    with pytest.raises(CorroborateError, match=reason):
        korean.load_grammar(path)


def test_every_shipped_korean_name_is_found_as_itself():
    for vocabulary in korean.VOCABULARIES:
        for term, names in vocab.korean_names(vocabulary).items():
            for name in (*names.aliases, *names.contextual):
                assert (term, name) in _found(f"{name}에서 ", vocabulary), (vocabulary, name)


# --- English unchanged, the overlay on top -------------------------------------------------

def test_english_text_is_matched_by_words_alone():
    text = "Bowibu agents in Hyesan City arrested two traders, RFA reported."
    assert _found(text, "places") == [(HYESAN, "Hyesan City")]
    assert _found(text, "organisations") == [("kp_mss", "Bowibu agents")]
    # no Hangul name enters the word index
    assert not any(korean.has_hangul(w) for w in vocab.load("places").first_words())


def test_an_admin_adds_a_korean_alias_through_the_overlay(store: Store):
    kyongsong = "KP:KP-09:Kyongsong"  # shipped as 경성군 only: 경성 is also old Seoul
    assert _found("경성에서 붙잡혔다", "places") == []
    overlay.add_alias(store, "places", kyongsong, "경성", by="ada", note="a source's usage")
    with overlay.applied(store):
        assert _found("경성에서 붙잡혔다", "places") == [(kyongsong, "경성")]
        # the shipped Korean and English names hold under the overlay
        assert _ids("혜산시에서 Hyesan", "places") == {HYESAN}
    assert _found("경성에서 붙잡혔다", "places") == []


def test_the_overlay_sees_the_korean_names_as_claimed(store: Store):
    with pytest.raises(CorroborateError, match="already names"):
        overlay.add_alias(store, "places", "KP:KP-09:Musan", "혜산", by="ada")
    # shipped as 공개 처형, which is also found written together
    with pytest.raises(CorroborateError, match="already names"):
        overlay.add_alias(store, "violations", "torture", "공개처형", by="ada")


def test_an_ingested_korean_report_gives_korean_evidence(store: Store, tmp_path: Path):
    text = ("함경북도 무산군에서 지난달 보위부가 중국 손전화를 쓴 주민 두 명을 체포했다고 "
            "현지 소식통이 전했다.\n\n이들은 보위부 구류장에서 조사를 받으며 구타당했다고 "
            "소식통은 덧붙였다.\n")
    path = _write(tmp_path / "in", "musan.txt", text) / "musan.txt"
    ingest(store, [str(path)])
    [incident] = store.incidents()
    quotes = {(f.field, f.value): f.evidence.quote for f in incident.facts}
    assert quotes[("perpetrator", "kp_mss")] == "보위부"
    assert quotes[("violation", "arbitrary_detention")] == "체포"
    assert quotes[("violation", "physical_assault")] == "구타"
    assert any(f.attrs.get("region") == "KP-09" for f in incident.values("place"))


@pytest.mark.timeout(20)
def test_a_long_unbroken_run_of_hangul_is_read_in_linear_time() -> None:
    # before the grammar bounded the endings it tries, every position of the run tried
    # (and remembered) the whole rest of it: 80,000 characters took 2.4 s, 400,000 minutes
    from corroborate.extract import extract
    from corroborate.model import Report

    text = "혜산시에서 " + "보위부가" * 100_000 + " 체포했다."
    report = Report(id="r-run", capture_sha256="x", locator="", origin="x",
                    media_type="text/plain", text=text, published="2019-03-16",
                    language="ko")
    facts = [f for incident in extract(report) for f in incident.facts]
    assert any(f.field == "place" and f.evidence.quote == "혜산시" for f in facts)
