"""Roles: who did what to whom, from the clause around each violation (own short reports)."""

from __future__ import annotations

import time

from corroborate.extract import extract
from corroborate.incidents import rule_values

from .helpers import text_report


def _roles(text: str) -> dict[str, tuple[str, int]]:
    [incident] = extract(text_report(text, published="2023-05-02", id="r-roles"))
    return {f.value: (str(f.attrs["role"]), int(f.attrs["agent"]))
            for f in incident.facts if f.field == "perpetrator"}


def _main(text: str) -> str:
    [incident] = extract(text_report(text, published="2023-05-02", id="r-roles"))
    return str(rule_values(incident)["perpetrator"].value)


# --- North Korea: the reversals ---------------------------------------------------------


def test_an_arrested_official_names_his_employer_not_the_perpetrator():
    text = ("A cadre of the Ministry of People's Security was among four people arrested by "
            "the State Security Department in Hoeryong, North Korea, this month.")
    roles = _roles(text)
    assert roles["kp_mss"] == ("perpetrator", 1)
    assert roles["kp_mps"] == ("employer", 0)
    assert _main(text) == "kp_mss"


def test_an_official_in_apposition_is_the_victim_and_his_ministry_the_employer():
    text = ("Pak, an officer of the Ministry of People's Security, was detained by the "
            "State Security Department in Musan, North Korea, a source said.")
    roles = _roles(text)
    assert roles["kp_mps"] == ("employer", 0)
    assert roles["kp_mss"][0] == "perpetrator"


def test_an_arrested_guard_is_the_patient_and_the_arresting_body_the_perpetrator():
    passive = _roles("A border guard was detained for smuggling copper in Hyesan, North "
                     "Korea, last week.")
    assert passive["kp_border_guard"] == ("patient", 0)
    active = _roles("The Ministry of State Security arrested two border guards in Hyesan, "
                    "North Korea, for taking bribes.")
    assert active["kp_border_guard"] == ("patient", 0)
    assert active["kp_mss"] == ("perpetrator", 1)


def test_the_state_executes_the_accused_who_are_not_perpetrators():
    text = ("The Ministry of State Security publicly executed two men accused of killing a "
            "farm manager in Kimchaek, North Korea.")
    roles = _roles(text)
    assert roles["kp_mss"] == ("perpetrator", 3)
    assert roles["private_individuals"] == ("patient", 0)
    assert _main(text) == "kp_mss"


def test_the_accused_as_subject_of_their_execution_are_patients():
    roles = _roles("Three women accused of murdering a broker were executed in Hamhung, "
                   "North Korea, a source said.")
    assert roles["private_individuals"] == ("patient", 0)


# --- voice, ordering, investigating -----------------------------------------------------


def test_active_voice_gives_the_subject_as_perpetrator_and_the_object_as_patient():
    roles = _roles("The State Security Department arrested an officer of the Ministry of "
                   "People's Security in Chongjin, North Korea.")
    assert roles["kp_mss"][0] == "perpetrator"
    assert roles["kp_mps"] == ("employer", 0)


def test_on_the_orders_of_is_ordering_and_an_investigation_by_is_investigating():
    roles = _roles("Traders were detained on the orders of the provincial party committee in "
                   "Hyesan, North Korea, and an investigation by the Central Public "
                   "Prosecutors Office is under way.")
    assert roles["kp_wpk"] == ("ordering", 0)
    assert roles["kp_prosecutors"] == ("investigating", 0)


def test_a_body_that_rescues_victims_is_not_credited_with_the_abduction():
    roles = _roles("A trader abducted in Kyiv was rescued by police in Kyiv, Ukraine, a "
                   "week later.")
    assert roles["police_generic"] == ("mentioned", 0)


# --- global news ------------------------------------------------------------------------


def test_gunmen_abducted_makes_the_gunmen_perpetrators():
    roles = _roles("Gunmen abducted a priest in Kaduna, Nigeria, on Sunday.")
    assert roles["unknown_gunmen"][0] == "perpetrator"
    assert roles["unknown_gunmen"][1] >= 3


def test_shot_by_police_makes_the_police_perpetrators():
    roles = _roles("A student was shot by police in Nairobi, Kenya, during a protest.")
    assert roles["police_generic"] == ("perpetrator", 3)


def test_accused_officers_are_perpetrators_of_the_kidnapping():
    text = "Two police officers were charged with the kidnapping of a trader in Accra, Ghana."
    roles = _roles(text)
    assert roles["police_generic"][0] == "perpetrator"
    assert "private_individuals" not in roles
    assert _main(text) == "police_generic"


def test_a_nominal_act_before_by_is_the_agents():
    roles = _roles("Officials confirmed the killing of two rangers on Monday by bandits in "
                   "Zamfara, Nigeria.")
    assert roles["bandits_generic"][0] == "perpetrator"


def test_a_list_of_acts_before_by_is_the_agents():
    roles = _roles("The aid worker was kidnapped, beaten, and robbed by armed men in Mali.")
    assert any(role == "perpetrator" for role, _ in roles.values())


def test_no_agent_credit_without_the_perpetrator_role():
    text = ("Police in Lagos, Nigeria, said soldiers arrested three journalists. The "
            "journalists, members of the Nigerian Union of Journalists, were later freed by "
            "a court.")
    for role, agent in _roles(text).values():
        assert agent == 0 or role == "perpetrator"


def test_roles_are_read_in_linear_time():
    clause = ("an official of the Ministry of People's Security, who was, on Monday, in "
              "Hyesan, among the ")
    text = "The State Security Department arrested " + clause * 400 + "people by the police."
    start = time.perf_counter()
    _roles(text)
    assert time.perf_counter() - start < 5


def test_a_bodys_evidence_is_the_mention_that_gives_it_its_role():
    text = ("The Ministry of State Security keeps an office near the market in Hyesan. Last "
            "week the Ministry of State Security arrested three traders there, a source said.")
    incident = extract(text_report(text, "2023-04-01"))[0]
    mss = next(f for f in incident.facts if f.value == "kp_mss")
    assert mss.attrs["role"] == "perpetrator" and mss.attrs["mentions"] == 2
    assert mss.evidence.start == text.index("the Ministry of State Security arrested") + 4
