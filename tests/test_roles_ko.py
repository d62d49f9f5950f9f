"""Roles in Korean: who did what to whom, read from particles and verb endings.

Each report is extracted as a whole (the Korean vocabularies find the bodies and acts), and
every sentence is written for these tests. Places in North Korea are named so that the
words that name a body only there (도당, 경비대) count.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from corroborate.extract import extract
from corroborate.incidents import rule_values
from corroborate.model import Evidence, Fact, Incident
from corroborate.roles import find_roles

from .helpers import text_report


def _incident(text: str) -> Incident:
    [incident] = extract(text_report(text, published="2024-03-14", id="r-ko", language="ko"))
    return incident


def _roles(text: str) -> dict[str, tuple[str, int]]:
    return {f.value: (str(f.attrs["role"]), int(f.attrs["agent"]))
            for f in _incident(text).facts if f.field == "perpetrator"}


def _main(text: str) -> str | None:
    main = rule_values(_incident(text))["perpetrator"]
    return None if main is None else str(main.value)


# --- the agent --------------------------------------------------------------------------


def test_the_subject_of_an_active_act_did_it() -> None:
    text = "양강도 혜산시 보위부가 지난 3일 밀수를 한 주민 3명을 체포했다."
    assert _roles(text)["kp_mss"] == ("perpetrator", 1)
    assert _main(text) == "kp_mss"


def test_a_body_with_에서_did_what_was_done_there() -> None:
    assert _roles("함경북도 회령시 안전부에서 밀수꾼 다섯 명을 연행했다.")["kp_mps"] == (
        "perpetrator", 1)


def test_its_officers_as_subject_did_it() -> None:
    roles = _roles("혜산시에서 보위원들이 한밤중에 주민들의 집에 들이닥쳐 끌고 갔다.")
    assert roles["kp_mss"] == ("perpetrator", 1)


def test_a_grave_act_weighs_three() -> None:
    assert _roles("평안남도 평성시에서 보안서가 주민 두 명을 총살했다.")["kp_mps"] == (
        "perpetrator", 3)


def test_the_agent_of_a_passive_with_에_의해() -> None:
    text = "양강도 혜산시에서 주민 3명이 보위부에 의해 체포됐다."
    assert _roles(text)["kp_mss"] == ("perpetrator", 1)
    assert _main(text) == "kp_mss"


def test_the_agent_of_a_passive_with_에() -> None:
    assert _roles("혜산시의 여성 장사꾼이 보위부에 체포됐다.")["kp_mss"][0] == "perpetrator"
    assert _roles("회령시에서 그는 보안서에 끌려갔다.")["kp_mps"][0] == "perpetrator"


def test_the_agent_of_a_passive_with_에게() -> None:
    roles = _roles("무산군에서 한 주민이 보안원에게 구타를 당했다.")
    assert roles["kp_mps"] == ("perpetrator", 1)


def test_a_passive_that_describes_a_noun_is_not_the_subjects() -> None:
    # the body tortured the people who had been arrested; it was not arrested itself
    roles = _roles("혜산시 보위부가 체포된 주민들을 고문했다.")
    assert roles["kp_mss"] == ("perpetrator", 3)


def test_a_body_that_owns_or_leads_the_act() -> None:
    assert _roles("회령시에서 그는 보위부의 단속에 걸려 끌려갔다.")["kp_mss"][0] == "perpetrator"
    led = _roles("양강도 혜산시에서 보위부 주도로 공개처형이 진행됐다.")
    assert led["kp_mss"] == ("perpetrator", 3)


def test_bodies_listed_together_share_the_act() -> None:
    roles = _roles("신의주시에서 보위부와 안전부가 합동으로 주민들을 체포했다.")
    assert roles["kp_mss"][0] == roles["kp_mps"][0] == "perpetrator"


# --- ordering and investigating ---------------------------------------------------------


def test_on_the_orders_of_is_ordering() -> None:
    text = "혜산시에서 도당의 지시로 보위부가 밀수꾼들을 체포했다."
    roles = _roles(text)
    assert roles["kp_wpk"] == ("ordering", 0)
    assert roles["kp_mss"] == ("perpetrator", 1)
    assert _main(text) == "kp_mss"
    follows = _roles("함경북도 무산군에서 도당 지시에 따라 주민들이 추방됐다.")
    assert follows["kp_wpk"] == ("ordering", 0)


def test_ordering_an_act_is_not_doing_it() -> None:
    roles = _roles("양강도에서 노동당은 한국 영상을 본 주민을 모두 체포하라고 지시했다.")
    assert roles["kp_wpk"] == ("ordering", 0)


def test_investigating_and_being_investigated() -> None:
    investigates = _roles("혜산시 보위부가 탈북 사건을 조사하고 있다.")
    assert investigates["kp_mss"] == ("investigating", 0)
    at = _roles("혜산시 주민들은 보위부에서 조사를 받았다.")
    assert at["kp_mss"] == ("investigating", 0)
    ongoing = _roles("회령시에서 일어난 사건은 현재 검찰소가 조사 중이다.")
    assert ongoing["kp_prosecutors"] == ("investigating", 0)
    suffered = _roles("혜산시 보위원이 뇌물을 받은 혐의로 조사를 받았다.")
    assert suffered["kp_mss"] == ("patient", 0)


def test_an_investigating_body_is_never_the_main_perpetrator() -> None:
    text = "혜산시 주민 두 명이 보위부에서 조사를 받은 뒤 안전부에 구속됐다."
    roles = _roles(text)
    assert roles["kp_mss"] == ("investigating", 0)
    assert roles["kp_mps"] == ("perpetrator", 1)
    assert _main(text) == "kp_mps"


# --- the reversals: an agency's own people as victims -----------------------------------


def test_an_arrested_officer_is_the_patient_not_the_agent() -> None:
    text = "양강도 혜산시에서 보위원이 밀수꾼에게 뇌물을 받은 혐의로 체포됐다."
    assert _roles(text)["kp_mss"] == ("patient", 0)
    assert _main(text) is None


def test_the_object_of_an_active_act_is_the_patient() -> None:
    text = "혜산시 보위부가 국경경비대원을 밀수 방조 혐의로 체포했다."
    roles = _roles(text)
    assert roles["kp_mss"] == ("perpetrator", 1)
    assert roles["kp_border_guard"] == ("patient", 0)
    assert _main(text) == "kp_mss"


def test_a_victim_employed_by_a_body_names_its_employer() -> None:
    staff = _roles("회령시 안전부 소속 직원이 보위부에 체포됐다.")
    assert staff["kp_mps"] == ("employer", 0)
    assert staff["kp_mss"][0] == "perpetrator"
    cadre = _roles("혜산시에서 안전부 간부가 체포됐다.")
    assert cadre["kp_mps"] == ("employer", 0)
    worked = _roles("회령시 안전부에서 일하던 간부가 체포된 것으로 알려졌다.")
    assert worked["kp_mps"] == ("employer", 0)
    one_of = _roles("혜산시 보안서의 한 간부가 보위부에 연행됐다.")
    assert one_of["kp_mps"] == ("employer", 0)


def test_a_body_marked_also_after_an_agent_is_a_second_object() -> None:
    roles = _roles("무산군에서 보위국 간부들까지 내려와 안전부 직원 1명도 함께 구속했다.")
    assert roles["kp_mps"] == ("employer", 0)
    assert roles["kp_mss"][0] == "perpetrator"
    also = _roles("혜산시에서 보안서도 밀수꾼 두 명을 체포했다.")
    assert also["kp_mps"] == ("perpetrator", 1)


def test_bodies_that_led_an_act_named_before_them() -> None:
    roles = _roles("혜산시에서 열린 공개처형은 도 검찰소와 보위국 주관으로 진행됐다.")
    assert roles["kp_prosecutors"] == ("perpetrator", 3)
    assert roles["kp_mss"] == ("perpetrator", 3)


def test_an_officer_described_as_such_is_the_victim() -> None:
    roles = _roles("혜산시에서 보위원으로 일하던 김모 씨가 체포됐다.")
    assert roles["kp_mss"] == ("employer", 0)
    assert _main("혜산시에서 보위원으로 일하던 김모 씨가 체포됐다.") is None


def test_a_statement_about_others_is_not_suffered() -> None:
    # the residents were arrested; the body only said so
    roles = _roles("양강도 보위국은 주민들이 체포됐다고 밝혔다.")
    assert roles["kp_mss"] == ("mentioned", 0)


def test_a_clause_that_turns_ends_the_subjects_reach() -> None:
    # the officer came; someone else made the arrest, after 지만
    roles = _roles("혜산시에서 안전원이 먼저 찾아왔지만 정작 그를 체포한 것은 보위부였다.")
    assert roles["kp_mps"] == ("mentioned", 0)


def test_an_act_that_did_not_happen_gives_no_role() -> None:
    roles = _roles("혜산시 보위원이 뇌물을 받았지만 체포되지 않았고 주민 두 명이 구속됐다.")
    assert roles["kp_mss"] == ("mentioned", 0)
    # may arrest (not done); threatening is an act of its own
    may = _roles("회령시 보안서가 장사꾼들을 체포할 수 있다는 말이 돌고 주민 한 명이 구속됐다.")
    assert may["kp_mps"] == ("mentioned", 0)
    threat = _roles("회령시 보안서가 장사꾼들을 체포할 수 있다며 위협했다.")
    assert threat["kp_mps"] == ("perpetrator", 1)


def test_a_body_told_of_an_act_is_mentioned() -> None:
    roles = _roles("혜산시에서 인민반장이 이웃을 보위부에 신고했고 그 주민은 체포됐다.")
    assert roles["kp_mss"][0] == "mentioned"


# --- the reader on its own ----------------------------------------------------------------


def _mention(text: str, word: str, value: str) -> Fact:
    start = text.index(word)
    return Fact("perpetrator", value, value,
                Evidence("r", start, start + len(word), word))


def test_find_roles_reads_korean_without_the_vocabulary_of_acts() -> None:
    # the acts are read from the words themselves; the caller gives no violation hits
    text = "보위부는 주민들을 끌고 갔고 안전원은 붙잡혀 갔다."
    roles = find_roles(text, [_mention(text, "보위부", "kp_mss"),
                              _mention(text, "안전원", "kp_mps")], [])
    assert [(r.fact.value, r.role) for r in roles] == [("kp_mss", "perpetrator"),
                                                       ("kp_mps", "patient")]


def test_english_roles_are_read_as_before() -> None:
    text = "The 보위부 was mentioned, and the State Security Department arrested two traders."
    [incident] = extract(text_report(text, published="2024-03-14", id="r-en"))
    roles = {f.value: f.attrs["role"] for f in incident.facts if f.field == "perpetrator"}
    assert roles["kp_mss"] == "perpetrator"


# --- named victims --------------------------------------------------------------------------


def _victims(text: str) -> list[str]:
    return [f.label for f in _incident(text).facts
            if f.field == "victim" and f.attrs.get("kind") == "person"]


def test_a_named_person_an_act_was_done_to_is_a_victim() -> None:
    assert _victims("평양에서 김정욱 선교사가 보위부에 체포됐다.") == ["김정욱"]
    assert _victims("혜산시 보위부는 최철민 씨를 간첩 혐의로 구속했다.") == ["최철민"]
    assert _victims("회령시에서 최철민 씨의 체포 소식이 전해졌다.") == ["최철민"]


def test_withheld_names_pseudonyms_and_speakers_are_not_victims() -> None:
    assert _victims("혜산시에서 김모(45) 씨가 보위부에 체포됐다.") == []
    assert _victims("혜산시에서 박영희(가명) 씨가 보위부에 끌려갔다.") == []
    assert _victims("혜산시 주민 이철수 씨는 “이웃들이 체포됐다”고 말했다.") == []
    assert _victims("혜산시 주민 이철수 씨는 “옆집 아저씨가 끌려갔다”고 말했다.") == []
    # the person did the act
    assert _victims("회령시 보위원 한동수 씨가 주민들을 체포했다.") == []


def _best_time(run: Callable[[], object]) -> float:
    """The fastest of three runs, in this process's CPU time (a busy machine's other work
    does not count): the linearity checks compare two of them, never a fixed budget."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def test_reading_roles_is_linear_in_a_run_on_sentence() -> None:
    # no full stop at all: every rule looks over a bounded window, not to the sentence end
    def roles_of(n: int) -> list[str]:
        text = "보위부가 주민을 체포했고 보위원이 끌려갔으며 " * n
        found = [m.start() for m in re.finditer("보위부|보위원", text)]
        facts = [Fact("perpetrator", "kp_mss", "x", Evidence("r", i, i + 3, text[i:i + 3]))
                 for i in found]
        return [r.role for r in find_roles(text, facts, [])]

    assert set(roles_of(50)) == {"perpetrator", "patient"}
    small = _best_time(lambda: roles_of(300))
    assert _best_time(lambda: roles_of(3000)) < 30 * max(small, 2e-3)
