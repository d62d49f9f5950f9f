"""North Korean agencies and punishments: the many names of one body give one canonical term.

The sentences are written for these tests. Each names a place in North Korea (or, for the
generic words, somewhere else) so that the report's main country is what the test says.
"""

from __future__ import annotations

import pytest
import yaml

from corroborate import vocab
from corroborate.extract import extract
from corroborate.model import Fact

from .helpers import text_report


def _facts(text: str) -> list[Fact]:
    report = text_report(text, published="2023-05-10", id="r-nk")
    [incident] = extract(report)
    return list(incident.facts)


def _perpetrators(text: str) -> dict[str, str]:
    return {f.value: f.label for f in _facts(text) if f.field == "perpetrator"}


def _punishments(text: str) -> list[str]:
    return [f.value for f in _facts(text) if f.field == "punishment"]


# --- one agency, many names ---------------------------------------------------------------

AGENCIES = {
    "kp_mss": ("Ministry of State Security", [
        "the Ministry of State Security",
        "the State-Security Department",
        "bowibu agents",
        "the Boweebu",
        "the Kukka Powibu",
        "the Gukga Anjeon Bowibu",
        "the gukga anjeonbowiseong",
        "the Kukka Bowisŏng",
        "MSS officers",
        "security agents",
    ]),
    "kp_mps": ("Ministry of Social Security", [
        "the Ministry of Social Security",
        "the Ministry of People’s Security",
        "the Peoples Safety Ministry",
        "anjeonbu officers",
        "the inmin boanseong",
        "the sahoe anjŏnsŏng",
        "local police",
        "MPS agents",
    ]),
    "kp_kpa": ("Korean People's Army", [
        "the Korean Peoples Army",
        "KPA soldiers",
        "the inmingun",
        "soldiers",
    ]),
    "kp_wpk": ("Workers' Party of Korea", [
        "the Workers Party of Korea",
        "the Korean Workers’ Party",
        "the Workers’ Party of Korea",
        "the county party committee",
        "the Party",
        "the Choson Rodongdang",
    ]),
    "kp_prosecutors": ("Central Public Prosecutors Office", [
        "the Central Public Prosecutor’s Office",
        "the Central Procuratorate",
        "the komchalso",
        "provincial prosecutors",
    ]),
    "kp_sgc": ("Supreme Guard Command", [
        "the Supreme Guard Command",
        "the howi saryongbu",
        "the Guard Command",
    ]),
    "kp_group_109": ("Group 109", [
        "Group 109",
        "the 109 sangmu",
        "a 109 grouppa",
        "the 109 joint inspection team",
    ]),
    "kp_non_socialist_inspection": ("Non-Socialist Inspection Group", [
        "a non-socialist inspection group",
        "the Bisa group",
        "an anti-socialist grouppa",
        "the joint command",
    ]),
    "kp_military_security": ("Military Security Command", [
        "the Military Security Command",
        "the bowisaryeongbu",
        "the Bowi Saryongbu",
    ]),
    "kp_border_guard": ("Border Guard Command", [
        "the Border Guard Command",
        "border guards",
        "the gukgyeong gyeongbidae",
    ]),
    "kp_youth_league": ("Socialist Patriotic Youth League", [
        "the Socialist Patriotic Youth League",
        "the Kimilsungist-Kimjongilist Youth League",
        "Youth League officials",
    ]),
    "kp_inminban": ("inminban (neighbourhood watch units)", [
        "the inminban",
        "the inminbanjang",
        "the neighbourhood watch unit",
    ]),
}

SPELLINGS = [(name, term, label) for term, (label, names) in AGENCIES.items()
             for name in names]


@pytest.mark.parametrize(("name", "term", "label"), SPELLINGS)
def test_each_spelling_names_the_canonical_agency_in_north_korea(name, term, label):
    text = f"In Hyesan, North Korea, {name} detained two traders last week, a source said."
    found = _perpetrators(text)
    assert term in found, (name, found)
    assert found[term] == label


@pytest.mark.parametrize("text", [
    "Ministry of State Security agents interrogated the couple for a week.",
    "A bowibu officer interrogated the couple for a week.",
])
def test_unambiguous_names_keep_their_agency_without_any_place(text):
    assert "kp_mss" in _perpetrators(text)


# --- generic words stay generic elsewhere ---------------------------------------------------

@pytest.mark.parametrize(("text", "term", "not_term"), [
    ("Police in Nairobi, Kenya, arrested a land rights activist on Friday.",
     "police_generic", "kp_mps"),
    ("MPS officers in Kampala, Uganda, beat and detained a reporter.",
     "police_generic", "kp_mps"),
    ("The people's court in Wuhan, China, jailed a lawyer after a closed hearing.",
     "judiciary_generic", "kp_courts"),
    ("The Supreme People’s Procuratorate in Beijing, China, approved the arrest of a "
     "petitioner.", "judiciary_generic", "kp_prosecutors"),
    ("The National Security Agency in Washington, United States, was accused of "
     "detaining a whistleblower.", "security_forces_generic", "kp_mss"),
    ("Security agents in Harare, Zimbabwe, abducted a union leader from his home.",
     "security_forces_generic", "kp_mss"),
    ("Soldiers in Mandalay, Myanmar, detained a teacher at a checkpoint.",
     "military_generic", "kp_kpa"),
    ("The Ministry of National Defense in Taipei, Taiwan, detained a conscript.",
     "military_generic", "kp_kpa"),
    ("The Presidential Guard Command in Colombo, Sri Lanka, detained a photographer.",
     "military_generic", "kp_sgc"),
    ("The provincial people's committee in Thai Binh, Vietnam, ordered the arrest of a "
     "blogger.", "government_generic", "kp_peoples_committee"),
])
def test_generic_words_name_generic_bodies_outside_north_korea(text, term, not_term):
    found = _perpetrators(text)
    assert term in found, found
    assert not_term not in found
    assert not any(value.startswith("kp_") for value in found), found


@pytest.mark.parametrize(("text", "not_term"), [
    ("The party secretary in Guangzhou, China, ordered the arrest of two activists.",
     "kp_wpk"),
    ("The PAD in Bangkok, Thailand, said its members were detained.", "kp_pad"),
    ("The joint command in Maiduguri, Nigeria, said soldiers detained a journalist.",
     "kp_non_socialist_inspection"),
    ("The Defense Security Command in Seoul, South Korea, was accused of spying on "
     "activists who were later detained.", "kp_military_security"),
    ("The Supreme Prosecutors Office in Seoul, South Korea, detained a union leader.",
     "kp_prosecutors"),
])
def test_foreign_bodies_with_north_korean_sounding_names_are_not_north_korean(text,
                                                                              not_term):
    assert not_term not in _perpetrators(text)


def test_the_same_generic_word_names_the_north_korean_body_in_north_korea():
    kp = _perpetrators("Soldiers in Hoeryong, North Korea, detained a smuggler at the river.")
    mm = _perpetrators("Soldiers in Sagaing, Myanmar, detained a smuggler at the river.")
    assert "kp_kpa" in kp and "military_generic" not in kp
    assert "military_generic" in mm and "kp_kpa" not in mm


def test_chinese_security_bodies_are_not_north_korean():
    found = _perpetrators("China's Ministry of State Security and the Public Security "
                          "Bureau in Dandong, China, arrested three defectors.")
    assert {"cn_mss", "cn_public_security"} <= set(found)
    assert "kp_mss" not in found


# --- the data itself --------------------------------------------------------------------------

def _entries() -> list[dict]:
    data = yaml.safe_load((vocab.resources.files("corroborate.data")
                           / "organisations.yaml").read_text(encoding="utf-8"))
    return [e for e in data["organisations"] if e["id"].startswith(("kp_", "cn_"))]


def test_no_north_korean_or_chinese_alias_is_taken_by_another_entry():
    organisations = vocab.load("organisations")
    for entry in _entries():
        names = [entry["name"], *(entry.get("aliases") or []),
                 *(entry.get("contextual_aliases") or [])]
        for name in names:
            term = organisations.lookup(str(name))
            assert term is not None and term.id == entry["id"], (entry["id"], name)
        if entry.get("elsewhere"):
            assert entry["elsewhere"] in organisations.terms


@pytest.mark.parametrize("word", [
    "police", "MPS", "the Party", "people's court", "National Security Agency",
    "procuratorate", "Guard Command", "Security Command", "joint command", "soldiers",
    "Ministry of National Defense", "Supreme Prosecutors Office", "PSB",
])
def test_generic_words_are_contextual_aliases(word):
    [hit] = vocab.load("organisations").find(word)
    assert hit.via == "context"


# --- punishments -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "term"), [
    ("The bowibu sent the broker's family to a kwanliso in 2019.", "political_prison_camp"),
    ("Police arrested him and he was later sent to Kwalliso No. 16.",
     "political_prison_camp"),
    ("The bowibu sent him to a gwalliso in South Hamgyong.", "political_prison_camp"),
    ("Police arrested the man, who ended up in a total control zone.",
     "political_prison_camp"),
    ("Police arrested the trader, who was sent to a kyohwaso.", "reeducation_camp"),
    ("Police arrested the trader, who was sent to Gyohwaso No. 12.", "reeducation_camp"),
    ("Police arrested her; she served time in a reform-through-labor camp.",
     "reeducation_camp"),
    ("Police arrested the youths and sent them to a rodong danryeondae.",
     "labour_training_camp"),
    ("Police arrested the youths and sent them to a labor-training camp for six months.",
     "labour_training_camp"),
    ("Police arrested the youths and put them in a mobile labour brigade.",
     "labour_training_camp"),
    ("The repatriated women were detained in a jipkyulso in Onsong, police said.",
     "detention_centre"),
    ("The bowibu held her in a guryujang for a month.", "detention_centre"),
    ("The bowibu held her in a pre-trial detention centre for a month.",
     "detention_centre"),
    ("Police detained two smugglers ahead of a public execution in Hyesan.", "execution"),
    ("The bowibu detained two smugglers, who were publicly shot in March.", "execution"),
    ("The bowibu detained the official, whose family was banished to a remote mountain "
     "village.", "banishment_of_family"),
    ("The bowibu detained the official, who was banished to a remote farming village.",
     "banishment"),
    ("After her arrest the whole family suffered under guilt by association.",
     "guilt_by_association"),
    ("Police arrested the official, who was also expelled from the party.", "dismissal"),
    ("Police detained the students and made them write a self-criticism.",
     "ideological_struggle_session"),
    ("Police detained the trader; her goods were confiscated.", "confiscation"),
    ("Police detained the trader and fined her 500,000 won.", "fine"),
    ("Police arrested him and he was sent to a labor camp.", "labour_camp"),
])
def test_punishments_are_found_with_their_canonical_ids(text, term):
    assert term in _punishments(text)


def test_generic_words_are_not_north_korean_camps():
    text = ("Police in Texas, United States, held the man at a correctional facility "
            "near a border control zone.")
    found = _punishments(text)
    assert "reeducation_camp" not in found
    assert "political_prison_camp" not in found


def test_a_camp_sentence_with_years_keeps_the_term_and_the_camp():
    found = [(f.value, f.attrs.get("max_years")) for f in _facts(
        "A court in Chongjin, North Korea, sentenced him to ten years in a kyohwaso.")
        if f.field == "punishment"]
    assert ("reeducation_camp", None) in found
    assert ("prison_term", 10) in found


def test_plain_authorities_are_the_north_korean_state_only_in_north_korea_reports():
    kp = _perpetrators("In Musan, North Korea, the authorities confiscated phones last week.")
    kenya = _perpetrators("In Nairobi, Kenya, the authorities confiscated phones last week.")
    assert "kp_state_authorities" in kp and "authorities_generic" not in kp
    assert "authorities_generic" in kenya and "kp_state_authorities" not in kenya


# --- forced repatriation and killings stated as outcomes -----------------------------------

def _violations(text: str) -> list[str]:
    return [f.value for f in _facts(text) if f.field == "violation"]


@pytest.mark.parametrize("text", [
    "Chinese police forcibly repatriated the woman from Dandong to Sinuiju in April.",
    "The three defectors were forcibly returned to Onsong by the Chinese authorities.",
    "Chinese police sent her back to North Korea last month, and she is held in Hyesan.",
    "Police in Tumen handed the family over to North Korean authorities at the bridge.",
    "Rights groups condemned the refoulement of the escapees caught near Musan.",
    "The couple were deported back to North Korea through Hoeryong in 2022.",
])
def test_a_return_to_north_korea_is_forced_repatriation_not_a_movement_restriction(text):
    found = _violations(text)
    assert "forced_repatriation" in found
    assert "restriction_of_movement" not in found


def test_a_border_crossing_stays_a_restriction_of_movement():
    found = _violations("Guards in Hyesan detained a woman for illegally crossing the border.")
    assert "restriction_of_movement" in found
    assert "forced_repatriation" not in found


@pytest.mark.parametrize(("text", "also"), [
    ("Border guards near Hyesan shot a man wading across the Yalu; he was arrested and "
     "died in hospital two days later.", "arbitrary_detention"),
    ("A soldier shot the woman as she crossed the river near Musan and she did not "
     "survive.", None),
    ("A man from Hoeryong was shot while fleeing to China and died on the riverbank.", None),
    ("The trader was beaten to death in a holding cell in Onsong, a source said.", None),
    ("The smuggler was beaten to death in a police cell in Hyesan.", None),
    ("Guards beat him to death in the detention centre in Musan.", "torture"),
    ("The prisoner did not survive the beatings at the kyohwaso in Chongjin.", None),
    ("The farmer was arrested in Kanggye in May and died in custody in June.",
     "arbitrary_detention"),
    ("The student died after being beaten by security agents in Wonsan.", None),
])
def test_a_death_stated_as_the_outcome_of_a_shooting_or_beating_is_a_killing(text, also):
    found = _violations(text)
    assert "killing" in found
    if also:
        assert also in found


@pytest.mark.parametrize("text", [
    "Guards in Hyesan shot at a smuggler who escaped across the river to China.",
    "The film about the camps, shot in Seoul, premiered in May; its director died in 2019.",
    "The business did not survive the border closure in Sinuiju.",
])
def test_shots_or_deaths_without_a_killing_are_not_killings(text):
    assert "killing" not in {h.term.id for h in vocab.load("violations").find(text)}


@pytest.mark.parametrize("text", [
    "The voluntary repatriation of refugees from Thailand began in May.",
    "The repatriation of the remains of 55 soldiers was agreed at the talks.",
    "The company repatriated its profits to Seoul.",
])
def test_repatriation_that_is_not_forced_return_of_people_is_not_refoulement(text):
    assert "forced_repatriation" not in {h.term.id for h in vocab.load("violations").find(text)}


@pytest.mark.parametrize("text", [
    "The scene was shot in the old market\n\nHer father died in a hospital years later.",
    "He was shot for a fashion magazine\nHis uncle died that winter.",
])
def test_a_shot_and_a_death_in_other_paragraphs_are_not_a_killing(text):
    assert "killing" not in {h.term.id for h in vocab.load("violations").find(text)}
