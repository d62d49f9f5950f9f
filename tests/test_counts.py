"""Victim counts: the number of people a violation was done to, as the report states it.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import pytest

from corroborate.counts import find_victim_counts
from corroborate.extract import extract
from corroborate.model import FIELDS, Evidence, Fact

from .helpers import text_report


def _counts(text: str, violations: list[Fact] | None = None) -> list[Fact]:
    facts = find_victim_counts(text_report(text), violations or [])
    for fact in facts:
        assert fact.field == "victim_count"
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
        assert fact.attrs["role"] == "victims"
    return facts


def _one(text: str) -> Fact:
    facts = _counts(text)
    assert len(facts) == 1, [f.value for f in facts]
    return facts[0]


def _bounds(fact: Fact) -> tuple[object, ...]:
    a = fact.attrs
    return fact.value, a["min"], a["max"], a["exact"], a["approx"], a["noun"]


@pytest.mark.parametrize(("text", "quote", "expected"), [
    ("Nine people were publicly executed at the Hyesan airfield on Tuesday.",
     "Nine people", ("9", 9, 9, True, False, "people")),
    ("Security agents say three women were arrested near the river crossing.",
     "three women", ("3", 3, 3, True, False, "women")),
    ("In Musan, 14 smugglers were sent to a labour camp after the inspection.",
     "14 smugglers", ("14", 14, 14, True, False, "smugglers")),
    ("Twenty-five students were questioned about the leaflets found at the school.",
     "Twenty-five students", ("25", 25, 25, True, False, "students")),
    ("Eleven market traders were detained over the winter for selling rice.",
     "Eleven market traders", ("11", 11, 11, True, False, "traders")),
    ("Two North Korean defectors were repatriated by Chinese police last week.",
     "Two North Korean defectors", ("2", 2, 2, True, False, "defectors")),
    ("A woman in her 40s was arrested for lending money to her neighbours.",
     "A woman", ("1", 1, 1, True, False, "woman")),
    ("A 35-year-old woman was arrested for keeping a Chinese phone.",
     "A 35-year-old woman", ("1", 1, 1, True, False, "woman")),
    ("A man and his wife were detained after a neighbour reported them.",
     "A man and his wife", ("2", 2, 2, True, False, "man and wife")),
    ("A woman and her two sons were banished to a mountain village.",
     "A woman and her two sons", ("3", 3, 3, True, False, "woman and sons")),
    ("The elderly couple were taken away in the night by agents.",
     "The elderly couple", ("2", 2, 2, True, False, "couple")),
    ("A family of four was banished to a remote farm in the north.",
     "A family of four", ("4", 4, 4, True, False, "family")),
    ("More than 10 people were arrested during the crackdown on phones.",
     "More than 10 people", ("10+", 11, None, False, False, "people")),
    ("At least five farmers were beaten for hiding part of the harvest.",
     "At least five farmers", ("5+", 5, None, False, False, "farmers")),
    ("About 20 residents were sent to a labour training camp for the offence.",
     "About 20 residents", ("~20", 20, 20, False, True, "residents")),
    ("Some 30 workers were rounded up at the mine on Monday.",
     "Some 30 workers", ("~30", 30, 30, False, True, "workers")),
    ("Dozens of residents were interrogated after the posters appeared.",
     "Dozens of residents", ("dozens", 24, None, False, True, "residents")),
    ("Hundreds of brokers were detained in the border towns this spring.",
     "Hundreds of brokers", ("hundreds", 200, None, False, True, "brokers")),
    ("Two to three people were executed in each county, the notice read.",
     "Two to three people", ("2-3", 2, 3, False, False, "people")),
    ("7 or 8 traders were sent to a detention centre in Hoeryong.",
     "7 or 8 traders", ("7-8", 7, 8, False, False, "traders")),
    ("Between 10 and 20 workers were detained at the factory gate.",
     "Between 10 and 20 workers", ("10-20", 10, 20, False, False, "workers")),
    ("Up to 40 people were sent to prison camps after the purge.",
     "Up to 40 people", ("<=40", 1, 40, False, False, "people")),
    ("More than a dozen teenagers were punished for copying foreign dance moves.",
     "More than a dozen teenagers", ("12+", 13, None, False, False, "teenagers")),
    ("Several Christians were tortured in the county holding centre.",
     "Several Christians", ("several", 3, None, False, True, "christians")),
    ("Police said 1,200 people were caught using smuggled phones in the province.",
     "1,200 people", ("1200", 1200, 1200, True, False, "people")),
    ("Nine were executed on the riverbank, and nobody knows where they were buried.",
     "Nine", ("9", 9, 9, True, False, None)),
])
def test_each_form_of_count(text: str, quote: str, expected: tuple[object, ...]) -> None:
    fact = _one(text)
    assert fact.evidence.quote == quote
    assert _bounds(fact) == expected


@pytest.mark.parametrize("text", [
    "Police arrested the smuggler in Onsong, two sources said.",  # the sources: not counted
    "The court sentenced the smuggler to 10 years in prison.",
    "Traders were arrested in three provinces at once.",
    "Many Christians were imprisoned in the 1990s.",
    "In 2019 residents of Hyesan were arrested for smuggling copper.",  # a year
    "The trader was fined 2,000 yuan and detained for five days.",
    "One of the detainees was beaten by guards.",
    "On 12 March the smuggler was sent back to China.",
    "No one was arrested, the local office insisted.",
    "Dozens of police officers raided the market and arrested the trader.",
    "Dozens of officials raided the homes where phones were seized and the owners arrested.",
    "Hundreds of residents were forced to watch as the smuggler was shot.",
    "Hundreds of residents watched as the smuggler was shot.",
    "The broker was arrested by three officers in plain clothes.",
    "The broker was arrested in front of dozens of residents.",
    "The smuggler was detained, according to two residents.",
    "The trader was arrested, a resident in Hyesan told the outlet.",
    "A woman and her children were repatriated from China.",  # how many children: not said
])
def test_what_is_not_a_count_of_victims(text: str) -> None:
    assert _counts(text) == []


def test_a_count_needs_a_violation_in_its_sentence() -> None:
    text = "Three women ran a stall at the Hyesan market. Their stall was searched and closed."
    assert _counts(text) == []
    # the same words in a sentence with an act
    assert [f.value for f in _counts("Three women who ran a stall were questioned.")] == ["3"]


def test_people_handed_over_are_counted() -> None:
    text = "Border police in Tumen handed a group of six North Korean women over to the SSD."
    assert [f.evidence.quote for f in _counts(text)] == ["six North Korean women"]
    assert _counts("Border police in Tumen handed out six leaflets to six women.") == []


def test_a_threat_is_not_an_act() -> None:
    assert _counts("Three women could be executed for the crime, officials warned.") == []


def test_violation_facts_mark_their_sentence_too() -> None:
    text = "Four students vanished after the concert. Their parents were told nothing."
    assert _counts(text) == []
    start = text.index("vanished")
    violation = Fact("violation", "enforced_disappearance", "enforced disappearance",
                     Evidence("r-test", start, start + 8, "vanished"))
    [fact] = _counts(text, [violation])
    assert (fact.value, fact.evidence.quote) == ("4", "Four students")


def test_people_doing_the_act_are_not_counted_but_their_victims_are() -> None:
    text = "Two soldiers shot three people who were crossing the river."
    assert [f.evidence.quote for f in _counts(text)] == ["three people"]


def test_one_fact_per_value_first_mention_main_count_first() -> None:
    text = ("The weather was cold. Nine people were executed in Hyesan. "
            "Among the nine people were three women, who were shot first. "
            "Later, nine people were reburied by the authorities, and three men were jailed.")
    facts = _counts(text)
    assert [f.value for f in facts] == ["9", "3"]
    nine, three = facts
    assert nine.evidence.start == text.index("Nine people")
    assert (nine.attrs["mentions"], three.attrs["mentions"]) == (3, 2)
    assert three.evidence.quote == "three women"


def test_the_count_near_a_long_sentence_act_only() -> None:
    # a run-on "sentence" of thousands of words: only counts near the act are looked for
    text = "five women " + "x " * 2000 + "and then three men were arrested"
    assert [f.value for f in _counts(text)] == ["3"]


def test_counts_go_through_extract() -> None:
    text = ("Agents of the Ministry of State Security arrested 12 traders in Hyesan last month "
            "for calling relatives in South Korea, a source in Ryanggang province said. "
            "About 20 residents were later questioned, two sources added.")
    report = text_report(text, published="2023-04-02")
    [incident] = extract(report)
    counts = incident.values("victim_count")
    assert [(f.value, f.evidence.quote) for f in counts] == [
        ("12", "12 traders"), ("~20", "About 20 residents")]
    assert all(text[f.evidence.start:f.evidence.end] == f.evidence.quote for f in counts)
    assert counts[0].attrs["mentions"] == 1 and counts[0].attrs["noun"] == "traders"
    assert "victim_count" in FIELDS


MB = 1_000_000


@pytest.mark.parametrize("unit", [
    # every sentence states an act and a count
    "Agents detained {n} market traders in Musan, a source said. About {n} residents were "
    "sent to a camp and dozens of people were beaten. ",
    # one act; words that start count phrases everywhere, in a sentence of megabytes
    "a 1 nine more than about the North Korean ",
    "a a-a-a 35-year-old Between 1 and ",
    " " * 50,
])
@pytest.mark.timeout(120)  # quadratic work on 10 MB would take hours; linear, seconds
def test_ten_megabytes_in_linear_time(unit: str) -> None:
    copies = 10 * MB // len(unit)
    text = "".join(unit.format(n=i % 30 + 2) for i in range(copies)) + " were arrested."
    facts = find_victim_counts(text_report(text), [])
    assert all(text[f.evidence.start:f.evidence.end] == f.evidence.quote for f in facts)
    if "{n}" in unit:
        assert {f.value for f in facts} >= {str(n) for n in range(2, 32)}
