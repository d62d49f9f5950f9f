from __future__ import annotations

from corroborate.extract import extract
from corroborate.incidents import main_values

from .helpers import text_report


def _incident(text: str):
    report = text_report(text, published="2022-03-01", id="r-p")
    [incident] = extract(report)
    return incident


def _main(text: str):
    return main_values(_incident(text))["perpetrator"]


def test_a_private_person_charged_with_a_killing_is_the_perpetrator_not_the_police():
    text = ("Police in Ohio arrested a 34-year-old man on Tuesday over the killing of a "
            "shop owner. He was later charged with murder, police said.")
    main = _main(text)
    assert main.value == "private_individuals"
    assert main.attrs["actor_type"] == "other non-state actors"
    # the evidence is the accusation itself, and never the person's name
    assert "killing" in main.evidence.quote or "murder" in main.evidence.quote


def test_officers_charged_with_a_kidnapping_keep_their_organisation():
    text = ("Two police officers were charged with kidnapping a trader in Lagos, Nigeria, "
            "the court heard on Monday.")
    main = _main(text)
    assert main.value == "police_generic"
    assert main.attrs["actor_type"] == "state actor"


def test_the_object_of_an_active_accusation_is_the_accused():
    text = ("The rights group accused soldiers of abducting four students in Mandalay, "
            "Myanmar, last week. Police have made no arrests.")
    assert _main(text).value == "military_generic"


def test_a_prosecution_of_a_journalist_for_speech_leaves_the_state_as_perpetrator():
    text = ("Police in Minsk, Belarus, detained the journalist and a court sentenced her "
            "to two years in prison for spreading false news.")
    main = _main(text)
    assert main.attrs["actor_type"] == "state actor"
    assert main.value != "private_individuals"


def test_armed_groups_act_without_the_states_permission():
    main = _main("Boko Haram fighters abducted 30 girls in Borno State, Nigeria.")
    assert main.value == "boko_haram"
    assert main.attrs["actor_type"] == "other actors without permissions"


def test_generic_party_words_name_the_workers_party_only_in_north_korea():
    kp = _incident("The provincial party committee in Hyesan, North Korea, ordered the "
                   "arrest of three smugglers.")
    india = _incident("The ruling party in Kolkata, India, ordered the arrest of three "
                      "protesters. Members of the Kurdistan Workers' Party were also held.")
    assert "kp_wpk" in [f.value for f in kp.facts if f.field == "perpetrator"]
    assert "kp_wpk" not in [f.value for f in india.facts if f.field == "perpetrator"]


def test_arrests_of_non_state_perpetrators_are_not_the_incidents_detention():
    incident = _incident("Gunmen abducted a trader in Kaduna, Nigeria, on Friday. Police "
                         "later arrested two of the kidnappers and detained a third man.")
    values = main_values(incident)
    assert values["perpetrator"].attrs["actor_type"] == "other actors without permissions"
    main = [f.value for f in values["violations"]]
    assert "kidnapping" in main and "arbitrary_detention" not in main
    # the report does state the arrests: the fact is kept, only not listed for the incident
    assert "arbitrary_detention" in [f.value for f in incident.facts if f.field == "violation"]


def test_a_state_detention_stays_the_incidents_violation():
    values = main_values(_incident("Police in Harare, Zimbabwe, detained two journalists "
                                   "covering a protest on Monday."))
    assert "arbitrary_detention" in [f.value for f in values["violations"]]


def test_a_denunciation_is_not_an_accusation_of_private_persons():
    text = ("Police in Harare, Zimbabwe, detained two reporters on Tuesday. Rights groups "
            "accused the force of torture.")
    assert _main(text).value == "police_generic"


def test_every_organisation_carries_a_role_and_credit_only_as_perpetrator():
    incident = _incident("Soldiers detained an official of the Ministry of People's Security "
                         "in Sinuiju, North Korea, on the orders of the provincial party "
                         "committee.")
    facts = {f.value: f for f in incident.facts if f.field == "perpetrator"}
    assert {f.attrs["role"] for f in facts.values()} <= {
        "perpetrator", "ordering", "investigating", "employer", "patient", "mentioned"}
    assert facts["kp_mps"].attrs["role"] == "employer"
    assert facts["kp_wpk"].attrs["role"] == "ordering"
    for fact in facts.values():
        assert fact.attrs["agent"] == 0 or fact.attrs["role"] == "perpetrator"


def test_a_state_execution_of_the_accused_keeps_the_state_as_main_perpetrator():
    text = ("A farmer accused of murdering his neighbour was publicly executed by the "
            "Ministry of State Security in Hyesan, North Korea, the source said.")
    main = _main(text)
    assert main.value != "private_individuals"
    assert main.attrs["actor_type"] == "state actor"
