"""Perpetrators: who the report says did the violation, as opposed to who else it names.

News about a violation names many organisations: the police who arrested, the court that
sentenced, the ministry that denied. The main perpetrator is the one named as *doing* a
grave act: "shot by police", "gunmen abducted", and, in reports of a prosecution, the
person or body charged with the act ("two officers were charged with the kidnapping";
"police arrested a man over the killing").

A private person charged with a crime is recorded as the generic ``private_individuals``
entry, never by name: corroborate documents what was done, it does not profile or rank
anyone as a suspect.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from . import vocab
from .model import Evidence, Fact, Report
from .vocab_index import Required

__all__ = ["GRAVE", "Accusation", "find_accusations", "private_individuals"]

# acts whose doer says more about the perpetrator than arresting or sentencing, which
# police and courts also do lawfully
GRAVE = {"killing": 3, "kidnapping": 3, "torture": 3, "enforced_disappearance": 3,
          "sexual_violence": 3}
_BY_AGENT = re.compile(r"\b(?:by|at the hands of)\s+(?:(?:the|a|an|some|suspected|"
                       r"unidentified|unknown|armed|local|two|three|several)\s+)*$", re.I)

_CRIMES = (r"murders?|murdering|killings?|killing|kill|kidnap(?:ping|pings)?|abduct(?:ion|ions|"
           r"ing)?|rap(?:e|ing)|sexual\s+assault|assault(?:ing)?|manslaughter|homicide|"
           r"lynching|beating|tortur(?:e|ing)|hostage[- ]taking|slaying|deaths?")
_ACCUSATION = re.compile(
    r"\b(?P<verb>charged|convicted|accused|indicted|found\s+guilty|pleaded\s+guilty|"
    r"pled\s+guilty|jailed|sentenced|arrested|detained|nabbed|arraigned|suspected|"
    r"prosecuted|extradited|booked)\b(?P<mid>[^.;!?]{0,60}?)\b(?P<crime>(?:of|with|for|over|"
    r"in\s+connection\s+with|on\s+suspicion\s+of)\s+(?:(?:the|a|an|his|her|their|"
    r"allegedly|alleged|plotting\s+to|attempted|attempting\s+to|involvement\s+in|"
    r"taking\s+part\s+in|participat\w+\s+in)\s+)*(?:[\w-]+\s+){0,2}?"
    r"(?:" + _CRIMES + r"))\b", re.I)
# words that open an adverbial, not an object: "arrested on Monday for", "held in Lagos over"
_ADVERBIAL = frozenset("""on in at last this yesterday today earlier after before by
    allegedly recently later again also and then over following during since""".split())
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s|\n")
_LOOKBACK = 80
_ACCUSED = Required(_ACCUSATION)  # a text without one of its verbs is not scanned
# a verb between an organisation and "accused of": the organisation is that verb's subject,
# the accused its object ("the SSD executed three men accused of killing a guard")
_VERB_BETWEEN = re.compile(r"\b(?!(?:allegedly|reportedly|suspected|alleged|being|later)\b)"
                           r"[a-z]+(?:ed|ing)\b", re.I)


@dataclass(frozen=True)
class Accusation:
    """A stated accusation of a grave act: its words and, if named, the accused body."""

    start: int
    end: int
    accused: Fact | None  # an organisation fact, or None for private persons
    crime_start: int  # where the crime is named ("over the killing"), not who is accused


def find_accusations(text: str, organisations: list[Fact]) -> list[Accusation]:
    """Accusations the text states, each with the organisation accused, if one is named.

    In "X arrested Y for killing" the accused is the object Y; in "X (was) arrested for
    killing", with nothing but adverbials between verb and preposition, it is the subject X.
    """
    ordered = sorted(organisations, key=lambda f: f.evidence.start)
    starts = [f.evidence.start for f in ordered]
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text)]
    out = []
    for m in _ACCUSED.finditer(text):
        mid_start, mid_end = m.span("mid")
        first_word = m.group("mid").split()[:1]
        passive = not first_word or first_word[0].lower().strip(",") in _ADVERBIAL
        if passive:
            index = bisect_right(breaks, m.start())
            begin = max(breaks[index - 1] if index else 0, m.start() - _LOOKBACK)
            window = (begin, m.start())
        else:
            window = (mid_start, mid_end)
        lo = bisect_right(starts, window[0] - 1)
        hi = bisect_right(starts, window[1] - 1)
        named = [f for f in ordered[lo:hi] if f.evidence.end <= window[1]
                 and not (passive and (
                     _BY_AGENT.search(text[max(0, f.evidence.start - 40):f.evidence.start])
                     or _VERB_BETWEEN.search(text, f.evidence.end, m.start())))]
        accused = named[-1] if named else None
        if accused is None and not passive and m.group("verb").lower() == "accused":
            continue  # "rights groups accused the force of torture": a denunciation
        out.append(Accusation(m.start(), m.end(), accused, m.start("crime")))
    return out


def private_individuals(report: Report, accusations: list[Accusation]) -> list[Fact]:
    """One perpetrator fact per accusation of a private person. Its evidence is the crime
    as named ("over the killing"), never the words that name the person accused."""
    term = vocab.load("organisations").terms["private_individuals"]
    return [Fact("perpetrator", term.id, term.label,
                 Evidence(report.id, a.crime_start, a.end, report.text[a.crime_start:a.end]),
                 {"actor_type": term.attrs.get("actor_type"), "kind": term.attrs.get("kind")})
            for a in accusations if a.accused is None]
