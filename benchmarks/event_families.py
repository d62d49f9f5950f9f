"""Event-linking benchmark: reports of one incident across outlets, and their origins.

Generates, deterministically from a seed, synthetic "families" of short news reports about
invented incidents in North Korea (every sentence written for this file), runs
``corroborate init``, ``ingest`` and ``events --format jsonl`` on them and scores the events
and origins it finds. Report kinds (``gold["kind"]``):

* ``account``: an outlet's own telling (its own words, source and subset of details); one
  event has 1-3, and each is an independent origin. 1 family in 4 with two accounts has them
  disagree on the count of victims or the day;
* ``reworded``: an aggregator's rewrite of an account (synonyms, sentences reordered or
  dropped, quotes and source kept; half name the original outlet);
* ``syndicated``: a verbatim copy with a credit line;
* ``citing``: another outlet's short summary of an account, naming it;
* ``hard_negative``: another incident of the same type, place, month and agency, with
  other victims, day and details (its own event; ``gold["negative_of"]`` names the event);
* ``singleton``: an unrelated one-report incident.

Copies, rewrites and citing reports carry the origin of the account they repeat.
``generate(seed, families)`` gives the records (id, url, title, date, outlet, text, gold);
gold also holds what the report says (``violation``, ``place``, ``when``: for checking
extraction, not scored) and, on the second of two disagreeing accounts, ``disagrees``.
``score(gold, predicted)`` takes url -> (event id, origin id) maps (``gold_of(records)``)
and gives pair precision and recall, hard negatives kept apart and exact origin counts.

    .venv/bin/python benchmarks/event_families.py [--seeds 1,2,3] [--families 60] \
        [--gate benchmarks/baseline.json] [--write-baseline FILE] [--keep DIR] [--selftest]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

NEG = "~neg"  # a hard negative's event id is the event's id + NEG
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()

# name spellings, province spellings, kind, border river (all spellings in places.yaml)
PLACES: list[tuple[tuple[str, ...], tuple[str, ...], str, str | None]] = [
    (("Hyesan", "Hyesan City"), ("Yanggang", "Ryanggang"), "city", "Yalu"),
    (("Kimjongsuk county", "Kim Jong Suk county"), ("Yanggang", "Ryanggang"), "county", "Yalu"),
    (("Samjiyon", "Samjiyeon"), ("Yanggang", "Ryanggang"), "city", None),
    (("Pochon county",), ("Yanggang", "Ryangkang"), "county", None),
    (("Musan", "Musan county"), ("North Hamgyong", "North Hamkyung"), "county", "Tumen"),
    (("Hoeryong", "Hoeryeong"), ("North Hamgyong", "North Hamkyung"), "city", "Tumen"),
    (("Onsong", "Onsong county"), ("North Hamgyong", "North Hamkyung"), "county", "Tumen"),
    (("Kyongwon county",), ("North Hamgyong", "North Hamkyong"), "county", "Tumen"),
    (("Chongjin", "Chongjin City"), ("North Hamgyong", "North Hamkyung"), "city", None),
    (("Kimchaek", "Kim Chaek City"), ("North Hamgyong", "North Hamkyung"), "city", None),
    (("Sinuiju", "Sinuiju City"), ("North Pyongan", "North Phyongan"), "city", "Yalu"),
    (("Manpo", "Manpo City"), ("Chagang", "Jagang"), "city", "Yalu"),
    (("Kanggye",), ("Chagang", "Jagang"), "city", None),
    (("Hamhung", "Hamheung"), ("South Hamgyong", "South Hamkyung"), "city", None),
    (("Pyongsong",), ("South Pyongan", "South Phyongan"), "city", None),
    (("Haeju", "Haeju City"), ("South Hwanghae",), "city", None),
    (("Sariwon",), ("North Hwanghae",), "city", None),
]
AGENCIES = {  # one phrasing per slot (see Builder.account)
    "mss": ("the Ministry of State Security (MSS)", "agents of the State Security Department",
            "bowibu agents"),
    "police": ("the Ministry of People's Security", "local police",
               "people's security officers"),
    "guards": ("North Korean border guards", "border guard soldiers", "a border guard unit"),
}
# (key, noun per slot, charge per slot)
GROUPS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("smugglers", ("smugglers", "people involved in smuggling", "cross-border smugglers"),
     ("smuggling copper and medicinal herbs into China", "carrying contraband over the river "
      "at night", "running goods to Chinese buyers without permission")),
    ("phones", ("mobile phone users", "residents with Chinese handsets", "people"),
     ("calling relatives in South Korea on Chinese phones", "using smuggled handsets to "
      "reach the outside world", "making illegal international calls")),
    ("traders", ("market traders", "women who sell at the market", "vendors"),
     ("selling South Korean cosmetics and clothes", "trading banned foreign goods in the "
      "market", "dealing in goods brought in from the South")),
    ("christians", ("Christians", "members of a house church", "believers"),
     ("holding secret prayer meetings", "keeping Bibles hidden in their homes",
      "worshipping together in a private house")),
    ("relatives", ("relatives of defectors", "family members of people who fled to the South",
                   "residents with kin in South Korea"),
     ("receiving money sent by relatives who defected", "keeping in touch with family "
      "members in Seoul", "taking remittances through a broker")),
    ("media", ("young people", "university students", "teenagers"),
     ("sharing South Korean dramas on USB sticks", "watching foreign films on memory cards",
      "passing around banned South Korean videos")),
]
# type: agency keys, violation id expected, 3 clauses ({V} victims {A} agency {P} place
# {W} when {R} river), 3 headlines ({N} count {G} place {K} group), 3 atmosphere lines
TYPES: dict[str, dict[str, Any]] = {
    "arrest": {"agency": ("mss", "police"), "violation": "arbitrary_detention", "clauses": (
        "{A} arrested {V} in {P} {W}", "{V} were detained by {A} in {P} {W}",
        "{W}, {A} in {P} rounded up and detained {V}"), "headlines": (
        "{N} arrested in {G} crackdown", "Security sweep in {G} nets {K}",
        "{G}: {K} held after raids"), "atmosphere": (
        "The arrests have unsettled people at the local market.",
        "Neighbours say the homes of those taken were searched for hours.",
        "Families have not been allowed to visit the detainees.")},
    "execution": {"agency": ("mss", "police"), "violation": "killing", "clauses": (
        "{A} publicly executed {V} in {P} {W}",
        "{V} were executed by firing squad in front of a crowd in {P} {W}",
        "{W}, {V} were shot dead at a public execution that {A} staged in {P}"),
        "headlines": ("{N} publicly executed in {G}", "Firing squad in {G} kills {K}",
                      "{G} residents forced to watch execution"), "atmosphere": (
        "Residents, schoolchildren among them, were made to watch.",
        "Factories and farms were told to send their workers to the riverside site.",
        "The crowd was told the killings were a warning to anyone tempted to do the same.")},
    "trial": {"agency": ("mss", "police"), "violation": "arbitrary_detention", "clauses": (
        "{V} were sentenced to reform through labour at a public trial held by {A} in {P} {W}",
        "{A} put {V} on public trial in {P} {W}, and all of them were sent to a kyohwaso",
        "{W}, a public trial in {P} ended with {V} condemned to a labour camp by {A}"),
        "headlines": ("Public trial in {G} sends {N} to prison camp",
                      "{G} show trial targets {K}", "{K} sentenced before crowd in {G}"),
        "atmosphere": ("Hundreds of people were gathered in a stadium to watch the trial.",
                       "The hearing lasted less than an hour, by the source's account.",
                       "None of the accused was allowed to speak in their own defence.")},
    "torture": {"agency": ("mss", "police"), "violation": "torture", "clauses": (
        "{V} held by {A} in {P} were beaten during interrogation {W}",
        "{A} in {P} tortured {V} in custody {W} to force confessions",
        "{W}, {V} detained in {P} were severely beaten in custody by {A}"), "headlines": (
        "Detainees beaten in {G} holding centre", "{K} tortured by interrogators in {G}",
        "Beatings in custody reported in {G}"), "atmosphere": (
        "One of them could not walk after the questioning, the source said.",
        "Relatives who brought food were turned away at the gate.",
        "Guards are said to have denied the injured any medical care.")},
    "repatriation": {"agency": ("mss",), "violation": "forced_repatriation", "clauses": (
        "Chinese police forcibly repatriated {V} who had fled to China, handing them to {A} "
        "in {P} {W}", "{V} were sent back to North Korea from China {W} and handed over to {A} "
        "in {P}", "{W}, {A} in {P} took custody of {V} repatriated from China"), "headlines": (
        "China sends {N} back to {G}", "{K} forcibly returned to North Korea via {G}",
        "Repatriated {K} face interrogation in {G}"), "atmosphere": (
        "They had been living in Jilin province without papers, the source said.",
        "Chinese police had held them for weeks before the handover.",
        "Officials are questioning them about contacts with South Koreans.")},
    "banishment": {"agency": ("mss", "police"), "violation": "banishment", "clauses": (
        "{A} banished {V} from {P} to a remote mountain village {W}",
        "{V} were expelled from {P} and sent to a remote area {W} on orders from {A}",
        "{W}, {V} were forcibly relocated from {P} by {A}"), "headlines": (
        "{N} families banished from {G}", "{G} expels {K}", "Forced relocation hits {G}"),
        "atmosphere": ("Their houses were handed to party cadres within days.",
                       "They were given one night to pack their belongings.",
                       "Neighbours were warned not to stay in contact with them.")},
    "shooting": {"agency": ("guards",), "violation": "killing", "clauses": (
        "{A} shot dead {V} trying to cross the {R} river near {P} {W}",
        "{V} were shot and killed by border guards while crossing the {R} river from {P} {W}",
        "{W}, {A} opened fire on {V} attempting to cross the {R} near {P}, killing them"),
        "headlines": ("Border guards kill {N} at {R} near {G}",
                      "Shots fired at river crossing near {G}", "{K} killed at {G} border"),
        "atmosphere": ("The bodies were left on the riverbank until the next morning.",
                       "Soldiers on the riverbank have been told to fire without warning.",
                       "Guards later searched houses near the river for accomplices.")},
}
PUNISH = ("{Cap} were later sentenced to {Y} years of reform through labour.",
          "The source said they now face {Y}-year terms in a kyohwaso.",
          "Those convicted were sent to a labour camp for {Y} years.")
CHARGE = ("They were accused of {C}.", "The charge against them was {C}.",
          "Investigators suspect them of {C}.")
QUOTES = (  # {p} place, {k} victims; 1-2 per account, from its slot's row
    ("\u201cSince the {k} were taken, people in {p} are afraid even to mention it at home,"
     "\u201d the source said.", "\u201cThey want to make an example of the {k} so that "
     "nobody else in {p} tries it,\u201d the source said.", "\u201cOfficials in {p} have "
     "been going from house to house asking about the {k},\u201d the source said."),
    ("\u201cEveryone on our street in {p} knows what happened to the {k}, but nobody dares "
     "to talk,\u201d the source added.", "\u201cThe cadres in {p} are under pressure to "
     "show results, and the {k} paid for it,\u201d the source added.", "\u201cNobody in "
     "{p} expected the {k} to be treated so harshly,\u201d the source added."),
    ("\u201cIt was meant to frighten the whole of {p},\u201d the source explained.",
     "\u201cWe hear about cases like that of the {k} almost every month now,\u201d the "
     "source explained.", "\u201cThe families of the {k} still do not know where they "
     "are held,\u201d the source explained."))
BACKGROUND = (("The authorities have tightened control of the border since it was sealed "
               "in 2020.", "Similar arrests were reported in the same province last spring."),
              ("Residents say punishments for such offences have grown harsher over the past "
               "three years.", "Earlier crackdowns in the region targeted people caught with "
               "foreign currency."),
              ("Rights groups have documented more detentions along the northern frontier "
               "since the pandemic lockdown.", "Pyongyang rarely comments on such cases, and "
               "its state media has not mentioned this one."))
CLOSING = ("{O} could not independently verify the account.",
           "It was not possible to confirm the details with officials in {G}.",
           "{O} was unable to reach the North Korean authorities for comment.")
# outlet: (url slug, [(source, says, aside)]) where {p} is the place and {v} the province
OUTLETS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "Daily NK": ("dailynk", [
        ("a source in {v} province", "told Daily NK", "who spoke to Daily NK anonymously"),
        ("a Daily NK source based in {p}", "said", "who lives in the area"),
        ("a resident of {p} with ties to local officials", "told Daily NK",
         "who asked not to be named")]),
    "Radio Free Asia": ("rfa", [
        ("a resident of {p}", "said in a telephone call with RFA",
         "who spoke to RFA by telephone"),
        ("a source in {v} province", "told Radio Free Asia's Korean Service",
         "who requested anonymity for safety reasons"),
        ("a trader from {p} now visiting China", "told RFA",
         "who spoke to RFA from across the border")]),
    "AsiaPress": ("asiapress", [
        ("an AsiaPress reporting partner in {p}", "reported", "who lives in the city"),
        ("a reporting partner of AsiaPress living in {v} province", "said",
         "who contacted AsiaPress on a smuggled phone"),
        ("an AsiaPress contact in {p}", "reported", "who witnessed part of it")]),
    "NK News": ("nknews", [
        ("a person familiar with the case", "told NK News", "who declined to be named"),
        ("a North Korean trader in contact with relatives in {p}", "told NK News",
         "who is in regular contact with the area"),
        ("a former official who still has contacts in {v} province", "told NK News",
         "who spoke on condition of anonymity")]),
    "Open News for North Korea": ("onk", [
        ("a source inside {v} province", "told Open News for North Korea",
         "who spoke on condition of anonymity"),
        ("a resident of {p}", "told Open News for North Korea", "who reached the outlet by "
         "phone"),
        ("a local source in {p}", "said", "who asked that details be withheld")]),
}
CITERS = ("Yonhap News Agency", "The Korea Herald", "The Korea Times", "Voice of America")
AGGREGATORS = ("Peninsula Wire Digest", "NorthWatch Daily Feed", "Korea Brief Hub",
               "Hermit Kingdom Monitor", "DPRK Headlines Today")
SYNONYMS = {"residents": "locals", "said": "stated", "market": "marketplace", "people":
            "individuals", "officials": "cadres", "homes": "houses", "later": "subsequently",
            "told": "informed", "local": "area", "afterwards": "later", "watch": "witness",
            "crowd": "gathering", "months": "months", "several": "a number of", "searched":
            "combed", "unable": "not able", "independently": "separately", "source": "contact"}
COMMON_START = {"a", "an", "the", "on", "in", "bowibu", "local", "agents", "several", "border",
                "people's", "{v}"} | set(WORDS)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def count_phrase(n: int, noun: str, rng: Random, exact: bool) -> str:
    if not exact:
        return rng.choice(("several", "a group of", "a number of")) + f" {noun}"
    if n == 2 and rng.random() < 0.3:
        return "a man and his wife"
    if n > 20:
        return f"dozens of {noun}"
    if n > 10 and rng.random() < 0.4:
        return f"more than {n - n % 5 if n % 5 else n - 1} {noun}"
    return f"{WORDS[n] if rng.random() < 0.6 else n} {noun}"


def when_phrase(day: date, pub: date, exact: bool, rng: Random) -> str:
    month = MONTHS[day.month - 1]
    if exact:
        forms = [f"on {day.day} {month}", f"on {month} {day.day}"]
        if (day.year, day.month) == (pub.year, pub.month):
            th = {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th") if day.day // 10 != 1 else "th"
            forms.append(f"on the {day.day}{th} of this month")
        return rng.choice(forms)
    part = "early" if day.day <= 10 else "late" if day.day > 20 else "mid"
    forms = [f"in {month}", f"in {part} {month}"]
    if (day.year, day.month) == (pub.year, pub.month):
        forms.append("earlier this month")
    elif (day.replace(day=1) + timedelta(days=32)).month == pub.month:
        forms += ["last month", f"{part} last month".replace("mid last", "in the middle of last")]
    return rng.choice(forms)


class Builder:
    """Writes the reports of one seed, family by family."""

    def __init__(self, seed: int) -> None:
        self.seed, self.rng = seed, Random(seed)
        self.records: list[dict[str, Any]] = []

    def incident(self, place: int, year: int, month: int, kind: str) -> dict[str, Any]:
        rng = self.rng
        agency = rng.choice(TYPES[kind]["agency"])
        low, high = {"execution": (2, 5), "shooting": (2, 4), "banishment": (2, 6)}.get(
            kind, (2, 16))
        return {"place": place, "type": kind, "agency": agency,
                "group": rng.randrange(len(GROUPS)), "count": rng.randint(low, high),
                "day": date(year, month, rng.randint(1, 28)),
                "years": rng.choice((3, 5, 7, 10, 15))}

    def account(self, inc: dict[str, Any], outlet: str, slot: int, pub: date,
                details: dict[str, bool]) -> tuple[str, list[list[str]]]:
        """An outlet's own telling: (title, paragraphs of sentences)."""
        rng, kind = self.rng, TYPES[inc["type"]]
        names, provinces, _, river = PLACES[inc["place"]]
        name, prov = rng.choice(names), rng.choice(provinces)
        noun = GROUPS[inc["group"]][1][slot]
        victims = count_phrase(inc["count"], noun, rng, details["count"])
        when = when_phrase(inc["day"], pub, details["day"], rng)
        where = (f"{name}, {prov} province", f"{name} in {prov} province", name)[slot]
        clause = kind["clauses"][slot].format(
            V=victims, A=AGENCIES[inc["agency"]][slot], P=where, W=when,
            R=river or "Tumen")
        if clause[0].isdigit():  # no numeral at the start of a sentence
            clause = WORDS[inc["count"]] + clause[len(str(inc["count"])):]
        source, says, aside = OUTLETS[outlet][1][slot]
        source = source.format(p=name, v=prov)
        style = (slot + inc["group"]) % 3
        lede = (f"{cap(clause)}, {source} {says}.", f"{cap(source)} {says} that {clause}.",
                f"According to {source}, {aside}, {clause}.")[style]
        first = [lede]
        details["charge"] = details["charge"] or not details["occupation"]  # 5 sentences
        if details["occupation"]:
            first.append(("Most of them were {n} from the same neighbourhood.",
                          "The source described them as {n} known to one another.",
                          "All of those involved were {n}, the account says.")[slot].format(
                n=noun))
        body = [CHARGE[slot].format(C=GROUPS[inc["group"]][2][slot])] if details["charge"] else []
        if details["punish"] and inc["type"] in ("arrest", "torture", "repatriation"):
            body.append(PUNISH[slot].format(Cap="They" if slot else "All of them",
                                           Y=inc["years"]))
        body.append(kind["atmosphere"][slot])
        quotes = [q.format(p=name, k=noun) for q in rng.sample(QUOTES[slot], rng.randint(1, 2))]
        paras = [first, body, quotes]
        if rng.random() < 0.5:
            paras.append(list(BACKGROUND[slot][: 1 + rng.randrange(2)]))
        paras.append([CLOSING[slot].format(O=outlet, G=name)])
        n = inc["count"]
        title = kind["headlines"][slot].format(
            N=WORDS[n] if n <= 20 else "dozens", G=name, K=noun, R=river or "Tumen")
        return cap(title), paras

    def emit(self, fam: int, title: str, paras: list[list[str]], pub: date, outlet: str,
             gold: dict[str, str]) -> dict[str, Any]:
        n = len(self.records)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48]
        host = OUTLETS[outlet][0] if outlet in OUTLETS else re.sub(r"\W+", "", outlet.lower())
        rec = {"id": f"s{self.seed}-{n:04d}",
               "url": f"https://example.org/{host}/{pub:%Y/%m}/{slug}-{self.seed}x{n}",
               "title": title, "date": pub.isoformat(), "outlet": outlet,
               "text": "\n\n".join(" ".join(p) for p in paras if p),
               "gold": {**gold, "family": f"f{fam:03d}"}}
        self.records.append(rec)
        return rec

    def reword(self, title: str, paras: list[list[str]], cited: str) -> tuple[str, list[list[str]]]:
        rng = self.rng

        def swap(sentence: str) -> str:
            if "\u201c" in sentence:  # quotes kept as they are
                return sentence
            return re.sub(r"\b[a-z]+\b(?!['\u2019])", lambda m: SYNONYMS.get(m.group(), m.group())
                          if rng.random() < 0.7 else m.group(), sentence)

        lede, rest = paras[0], [list(p) for p in paras[1:]]
        droppable = [(i, j) for i, p in enumerate(rest) for j, s in enumerate(p)
                     if "\u201c" not in s]
        for i, j in sorted(rng.sample(droppable, min(len(droppable), rng.randint(1, 2))),
                           reverse=True):
            del rest[i][j]
        if len(rest) > 2 and rng.random() < 0.7:
            a, b = rng.sample(range(len(rest)), 2)
            rest[a], rest[b] = rest[b], rest[a]
        out = [[swap(s) for s in lede]] + [[swap(s) for s in p] for p in rest if p]
        if rng.random() < 0.5:
            form = rng.randrange(4)
            if form == 0:
                first = out[0][0]
                word = first.split(" ", 1)[0].lower()
                out[0][0] = f"According to {cited}, " + (
                    first[:1].lower() + first[1:] if word in COMMON_START else first)
            else:
                out.append([(f"{cited} reported the case first.",
                             f"This story first appeared in {cited}.",
                             f"[Source: {cited}]")[form - 1]])
        return swap(title), out

    def citing(self, inc: dict[str, Any], cited: str, outlet: str, slot: int, opub: date,
               pub: date) -> tuple[str, list[list[str]]]:
        rng = self.rng
        names, provinces, _, river = PLACES[inc["place"]]
        name, prov = rng.choice(names), rng.choice(provinces)
        noun = GROUPS[inc["group"]][1][slot]
        victims = count_phrase(inc["count"], noun, rng, rng.random() < 0.7)
        when = when_phrase(inc["day"], pub, rng.random() < 0.5, rng)
        clause = TYPES[inc["type"]]["clauses"][slot].format(
            V=victims, A=AGENCIES[inc["agency"]][slot], P=f"{name}, {prov} province", W=when,
            R=river or "Tumen")
        source = OUTLETS[cited][1][slot][0].format(p=name, v=prov)
        weekday = opub.strftime("%A")
        lede = (f"{cited} reported on {weekday} that {clause}, citing {source}.",
                f"According to a report by {cited}, {clause}.",
                f"{cap(clause)}, {cited} said in a report, quoting {source}.")[rng.randrange(3)]
        second = ("The report said those involved were suspected of {C}.",
                  "{O2} added that the group had been accused of {C}.",
                  "The alleged offence, the report said, was {C}.")[slot].format(
            C=GROUPS[inc["group"]][2][(slot + 1) % 3], O2=cited)
        paras = [[lede, second],
                 [f"{outlet} has not been able to confirm the report independently.",
                  BACKGROUND[(slot + 1) % 3][rng.randrange(2)]]]
        title = f"Report: {TYPES[inc['type']]['headlines'][slot].format(N=WORDS[min(inc['count'], 20)], G=name, K=noun, R=river or 'Tumen')}"  # noqa: E501
        return title, paras


def facts(inc: dict[str, Any]) -> dict[str, str]:
    """What a report says happened (gold for checking extraction, not scored)."""
    return {"violation": TYPES[inc["type"]]["violation"], "place": PLACES[inc["place"]][0][0],
            "when": inc["day"].isoformat()}


def generate(seed: int, families: int = 60) -> list[dict[str, Any]]:
    """The records of one seed (see the module docstring), sorted by date then URL."""
    b = Builder(seed)
    rng, outlets = b.rng, list(OUTLETS)
    mix = ["independent"] * 6 + ["copied"] * 4 + ["citing"] * 3 + ["negative"] * 4 + [
        "singleton"] * 3
    kinds = [mix[(i * len(mix)) // families] for i in range(families)]
    rng.shuffle(kinds)
    slots = rng.sample([(p, y, m) for p in range(len(PLACES)) for y in range(2019, 2025)
                        for m in range(1, 13)], families)  # no two families share one

    def details() -> dict[str, bool]:
        return {k: rng.random() < 0.6 for k in ("count", "day", "occupation", "charge", "punish")}

    for fam, (kind, (place, year, month)) in enumerate(zip(kinds, slots, strict=True)):
        inc = b.incident(place, year, month, rng.choice(
            [t for t in TYPES if t != "shooting" or PLACES[place][3]]))
        event = f"s{seed}-f{fam:03d}"
        n_acc = {"independent": rng.choice((2, 2, 3)), "copied": rng.choice((1, 1, 2)),
                 "citing": rng.choice((1, 2)), "negative": rng.choice((1, 2))}.get(kind, 1)
        chosen = rng.sample(outlets, n_acc)
        disagree = rng.choice(("count", "day")) if n_acc > 1 and rng.random() < 0.25 else None
        first_pub, base = inc["day"] + timedelta(days=rng.randint(2, 12)), rng.randrange(3)
        told: list[dict[str, Any]] = []
        for i, outlet in enumerate(chosen):
            pub = first_pub + timedelta(days=0 if i == 0 else rng.randint(0, 20))
            said, facts_of = details(), dict(inc)
            if disagree and i == 1:
                said[disagree] = True
                if disagree == "count":
                    facts_of["count"] = inc["count"] + rng.choice((-2, 2))
                else:
                    facts_of["day"] = inc["day"] + timedelta(
                        days=1 if inc["day"].day == 1 else rng.choice((-1, 1)))
            slot = (base + i) % 3
            title, paras = b.account(facts_of, outlet, slot, pub, said)
            gold = {"event": event, "origin": f"{event}/{OUTLETS[outlet][0]}",
                    "kind": "singleton" if kind == "singleton" else "account",
                    **facts(facts_of), **({"disagrees": disagree} if disagree and i else {})}
            b.emit(fam, title, paras, pub, outlet, gold)
            told.append({"outlet": outlet, "title": title, "paras": paras, "pub": pub,
                         "slot": slot, "gold": gold, "inc": facts_of})
        for _ in range({"copied": rng.randint(1, 2), "independent": int(rng.random() < 0.3),
                        "negative": int(rng.random() < 0.3)}.get(kind, 0)):
            t = rng.choice(told)
            title, paras = b.reword(t["title"], t["paras"], t["outlet"])
            b.emit(fam, title, paras, t["pub"] + timedelta(days=rng.randint(0, 4)),
                   rng.choice(AGGREGATORS), {**t["gold"], "kind": "reworded"})
        if rng.random() < {"copied": 0.6, "independent": 0.15}.get(kind, 0.0):
            t = rng.choice(told)
            credit = rng.choice((f"This article first appeared in {t['outlet']} and is "
                                 f"republished with permission.", f"(Republished from "
                                 f"{t['outlet']}.)"))
            paras = [[credit], *t["paras"]] if credit[0] == "T" else [*t["paras"], [credit]]
            b.emit(fam, t["title"], paras, t["pub"] + timedelta(days=rng.randint(0, 2)),
                   rng.choice(AGGREGATORS), {**t["gold"], "kind": "syndicated"})
        for _ in range({"citing": rng.randint(1, 2),
                        "independent": int(rng.random() < 0.2)}.get(kind, 0)):
            t = rng.choice(told)
            citer = rng.choice([o for o in outlets + list(CITERS) if o not in chosen])
            pub = t["pub"] + timedelta(days=rng.randint(1, 6))
            title, paras = b.citing(t["inc"], t["outlet"], citer, (t["slot"] + 1) % 3,
                                    t["pub"], pub)
            b.emit(fam, title, paras, pub, citer, {"event": event, "origin": t["gold"]["origin"],
                                                   "kind": "citing", **facts(t["inc"])})
        if kind == "negative":
            n, day = inc["count"], inc["day"].day
            neg = dict(inc, group=(inc["group"] + rng.randint(1, len(GROUPS) - 1)) % len(GROUPS),
                       count=n + rng.randint(1, 3) if n < 5 or rng.random() < 0.5
                       else n - rng.randint(1, 3), years=rng.choice((2, 4, 8, 12)),
                       day=inc["day"].replace(day=day + 7 + rng.randrange(6) if day <= 14
                                              else day - 7 - rng.randrange(6)))
            outlet = chosen[0] if rng.random() < 0.5 else rng.choice(outlets)
            slot = rng.choice([s for s in range(3) if s not in [t["slot"] for t in told]] or [0])
            pub = neg["day"] + timedelta(days=rng.randint(2, 12))
            title, paras = b.account(neg, outlet, slot, pub, details())
            b.emit(fam, title, paras, pub, outlet, {
                "event": event + NEG, "origin": f"{event}{NEG}/{OUTLETS[outlet][0]}",
                "kind": "hard_negative", "negative_of": event, **facts(neg)})
    return sorted(b.records, key=lambda r: (r["date"], r["url"]))


# --- scoring ---------------------------------------------------------------------------

def gold_of(records: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """url -> (gold event, gold origin)."""
    return {r["url"]: (r["gold"]["event"], r["gold"]["origin"]) for r in records}


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(gold: dict[str, tuple[str, str]], predicted: dict[str, tuple[str, str]],
          negatives: dict[str, str] | None = None) -> dict[str, float]:
    """Pairwise precision and recall of events, hard negatives kept apart, exact origin counts.

    Both map url -> (event id, origin id); a url missing from ``predicted`` is a singleton
    with its own origin, urls only in ``predicted`` are ignored. ``negatives`` maps a hard
    negative's event to the event it is the negative of (default: events named
    ``event + NEG``). Precision is 1.0 when nothing is paired.
    """
    pred = {u: predicted.get(u, (f"missing:{u}", f"missing:{u}")) for u in gold}
    if negatives is None:
        negatives = {e: e[: -len(NEG)] for e, _ in gold.values() if e.endswith(NEG)}
    gsize = Counter(e for e, _ in gold.values())
    psize = Counter(e for e, _ in pred.values())
    tp = sum(_pairs(n) for n in Counter((gold[u][0], pred[u][0]) for u in gold).values())
    gpairs, ppairs = sum(map(_pairs, gsize.values())), sum(map(_pairs, psize.values()))
    members: dict[str, list[str]] = defaultdict(list)
    for u, (e, _) in gold.items():
        members[e].append(u)
    neg_pairs = merged = 0
    for neg, of in negatives.items():
        for a in members.get(neg, ()):
            for b in members.get(of, ()):
                neg_pairs += 1
                merged += pred[a][0] == pred[b][0]
    exact = [len({pred[u][1] for u in us}) == len({gold[u][1] for u in us})
             for us in members.values()]
    out = {"pair_precision": tp / ppairs if ppairs else 1.0,
           "pair_recall": tp / gpairs if gpairs else 1.0,
           "hard_negatives_separated": 1 - merged / neg_pairs if neg_pairs else 1.0,
           "origin_exact": statistics.fmean(exact) if exact else 1.0}
    out = {k: round(v, 4) for k, v in out.items()}
    out.update(reports=len(gold), events=len(members), pairs=gpairs, predicted_pairs=ppairs,
               hard_negative_pairs=neg_pairs)
    return out


def recall_by_kind(records: list[dict[str, Any]],
                   predicted: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Per kind of copy or account, the share put in one predicted event with its origin's
    account (for accounts: with the event's first account)."""
    first: dict[str, str] = {}
    origin_account: dict[str, str] = {}
    for r in records:
        g = r["gold"]
        if g["kind"] == "account":
            first.setdefault(g["event"], r["url"])
            origin_account.setdefault(g["origin"], r["url"])
    hits: dict[str, list[bool]] = defaultdict(list)
    for r in records:
        g, url = r["gold"], r["url"]
        if g["kind"] in ("hard_negative", "singleton", "labelled"):
            continue
        ref = first[g["event"]] if g["kind"] == "account" else origin_account[g["origin"]]
        if ref == url:
            continue
        mine, theirs = predicted.get(url), predicted.get(ref)
        hits[g["kind"]].append(mine is not None and theirs is not None and mine[0] == theirs[0])
    return {k: round(statistics.fmean(v), 4) for k, v in sorted(hits.items())}


# --- running corroborate ---------------------------------------------------------------

class EventsUnavailable(RuntimeError):
    """corroborate has no working ``events`` command."""


def corroborate_command() -> list[str]:
    if importlib.util.find_spec("corroborate.__main__") is not None:
        return [sys.executable, "-m", "corroborate"]
    script = Path(sys.executable).parent / "corroborate"
    found = str(script) if script.exists() else shutil.which("corroborate")
    if not found:
        raise SystemExit("corroborate is not installed beside this Python (pip install -e .)")
    return [found]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*corroborate_command(), *args], capture_output=True, text=True,
                          check=False)


def predicted_origin(report: dict[str, Any]) -> str:
    """The report id of the account a report repeats (``origin_of``), else its own id."""
    return str(report.get("origin_of") or report["id"])


def predict(records: list[dict[str, Any]], folder: Path) -> tuple[dict[str, tuple[str, str]],
                                                                 dict[str, float]]:
    """Ingest the records into a new collection in ``folder`` and read its events."""
    folder.mkdir(parents=True, exist_ok=True)
    data, coll = folder / "reports.jsonl", folder / "c"
    data.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "gold"},
                                       ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    if coll.exists():
        shutil.rmtree(coll)
    t0 = time.perf_counter()
    for step in (["init", str(coll)], ["ingest", "-q", "-c", str(coll), str(data)]):
        done = run(step)
        if done.returncode != 0:
            raise SystemExit(f"corroborate {step[0]} failed ({done.returncode}): "
                             f"{done.stderr.strip() or done.stdout.strip()}")
    t1 = time.perf_counter()
    done = run(["events", "-c", str(coll), "--format", "jsonl"])
    times = {"ingest_s": t1 - t0, "events_s": time.perf_counter() - t1}
    if done.returncode != 0:
        if "No such command" in done.stderr:
            raise EventsUnavailable("this corroborate has no `events` command yet")
        raise EventsUnavailable(f"corroborate events failed ({done.returncode}): "
                                f"{done.stderr.strip()[-500:]}")
    predicted: dict[str, tuple[str, str]] = {}
    for line in done.stdout.splitlines():
        if line.strip():
            event = json.loads(line)
            for report in event["reports"]:
                if report.get("url"):
                    predicted[report["url"]] = (str(event["id"]), predicted_origin(report))
    return predicted, times


FIGURES = ("pair_precision", "pair_recall", "hard_negatives_separated", "origin_exact")


def table(rows: list[tuple[str, dict[str, float]]]) -> str:
    names = [*FIGURES, "reports", "events", "pairs"]
    lines = [f"{'seed':<6}" + "".join(f"{n[:14]:>15}" for n in names)]
    for label, fig in rows:
        lines.append(f"{label:<6}" + "".join(f"{fig.get(n, 0):>15.4g}" for n in names))
    return "\n".join(lines)


def selftest(seed: int, families: int) -> None:
    """The scorer on fake predictions: gold scores 1.0, all-singletons recall 0."""
    records = generate(seed, families)
    gold = gold_of(records)
    assert json.dumps(records) == json.dumps(generate(seed, families)), "not deterministic"
    assert len({r["url"] for r in records}) == len(records), "duplicate urls"
    perfect = score(gold, gold)
    assert all(perfect[k] == 1.0 for k in FIGURES), perfect
    alone = score(gold, {})
    assert alone["pair_recall"] == 0.0 and alone["hard_negatives_separated"] == 1.0, alone
    merged = score(gold, {u: ("one", u) for u in gold})
    assert merged["hard_negatives_separated"] == 0.0 and merged["pair_recall"] == 1.0, merged
    print(table([("gold", perfect), ("alone", alone), ("merged", merged)]))
    kinds = Counter(r["gold"]["kind"] for r in records)
    print(f"selftest ok: {len(records)} reports, kinds {dict(sorted(kinds.items()))}")


def labelled(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Real reports labelled by event, from a JSON Lines file: each record as corroborate's
    reader takes it (``text``, ``title``, ``date``, ``outlet``, ``url``) plus ``event`` (the
    incident it reports), ``origin`` (the independent account it carries; default: its own
    url) and optionally ``negative_of`` (the event it must stay apart from); or these three
    under ``gold``. A record without a url gets one from its line number."""
    records, negatives = [], {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        labels = record.pop("gold", None) or {k: record.pop(k) for k in
                                               ("event", "origin", "negative_of", "kind")
                                               if k in record}
        record.setdefault("url", f"urn:labelled:{path.name}:{number}")
        if "event" not in labels:
            raise SystemExit(f"{path}:{number}: no event label")
        labels.setdefault("origin", record["url"])
        labels.setdefault("kind", "labelled")
        if labels.get("negative_of"):
            negatives[str(labels["event"])] = str(labels["negative_of"])
        records.append({**record, "gold": labels})
    return records, negatives


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds")
    parser.add_argument("--families", type=int, default=60)
    parser.add_argument("--gate", type=Path, help="fail when below this baseline")
    parser.add_argument("--write-baseline", type=Path, help="pin the mean figures")
    parser.add_argument("--keep", type=Path, help="keep the JSONL and collections here")
    parser.add_argument("--labelled", type=Path, action="append", default=[],
                        help="score real reports labelled by event (JSON Lines; see "
                             "labelled()) instead of generated seeds; repeatable")
    parser.add_argument("--together", action="store_true",
                        help="ingest all seeds into one collection (denser blocks: other "
                             "seeds' incidents in the same places and months)")
    parser.add_argument("--selftest", action="store_true",
                        help="check the generator and scorer only (no corroborate run)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if args.selftest:
        selftest(seeds[0], args.families)
        return 0
    rows: list[tuple[str, dict[str, float]]] = []
    started = time.perf_counter()
    sets: list[tuple[str, list[dict[str, Any]], dict[str, str] | None]] = (
        [(p.stem[:6], *labelled(p)) for p in args.labelled] if args.labelled
        else [(str(seed), generate(seed, args.families), None) for seed in seeds])
    if args.together and not args.labelled:
        sets = [("+".join(n for n, _, _ in sets)[:6], [r for _, rs, _ in sets for r in rs],
                 None)]
    with tempfile.TemporaryDirectory(prefix="event-families-") as tmp:
        root = args.keep or Path(tmp)
        for name, records, negatives in sets:
            seed = name
            try:
                predicted, times = predict(records, root / f"seed-{seed}")
            except EventsUnavailable as exc:
                print(f"error: {exc}; the generator and scorer can still be checked with "
                      f"--selftest", file=sys.stderr)
                return 2
            fig = score(gold_of(records), predicted, negatives)
            rows.append((str(seed), fig))
            by_kind = recall_by_kind(records, predicted)
            print(f"seed {seed}: {len(records)} reports, {len(set(predicted.values()))} "
                  f"predicted (event, origin) pairs; ingest {times['ingest_s']:.1f} s, events "
                  f"{times['events_s']:.1f} s; recall by kind: "
                  + ", ".join(f"{k} {v}" for k, v in by_kind.items()))
    mean = {k: round(statistics.fmean(f[k] for _, f in rows), 4) for k in rows[0][1]}
    rows.append(("mean", mean))
    print(table(rows))
    print(f"{len(sets)} set(s) in {time.perf_counter() - started:.1f} s")
    from corroborate import baseline  # here: the generator and scorer need no corroborate

    return baseline.gate_exit(args.write_baseline, args.gate, "event_linking",
                              {k: mean[k] for k in FIGURES}, print)


if __name__ == "__main__":
    sys.exit(main())
