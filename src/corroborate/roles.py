"""Roles: who did what to whom, read from the clause around each violation mention.

A report names many organisations; only some did the act. For every organisation mention
this reader says what the clause makes of it:

- ``perpetrator``: it did a violation the report states ("the SSD arrested", "arrested by the
  SSD", "gunmen abducted", "two officers were charged with the kidnapping");
- ``ordering``: the act was done on its orders ("on the orders of the party committee", "the
  provincial committee ordered the arrest");
- ``investigating``: it investigates the act ("an investigation by the prosecutors", "police
  are investigating");
- ``employer``: a victim works for it ("an official of the MPS was arrested");
- ``patient``: it suffered the act itself ("two border guards were arrested", "the SSD
  arrested a border guard", "people accused of killing were executed");
- ``mentioned``: anything else.

The rules are clause rules over a bounded window of the sentence (voice, apposition, "among
those arrested", accusations), not a parse: every regex is anchored and read over a window of
bounded length, so the reader is linear in the length of the report.

Accusations: the accused is the patient of the arrest, trial or execution, and only a
candidate agent of the crime he is accused of. An accusation stands as a perpetrator's
(``charged with the kidnapping``) unless it describes the patients of a violation the report
states ("executed three men accused of killing a guard").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import clause_ko, vocab
from .model import Fact
from .perpetrators import GRAVE, Accusation

__all__ = ["PRIORITY", "ROLES", "Role", "agent_scores", "by_value", "deciding_mentions",
           "find_roles"]

ROLES = ("perpetrator", "ordering", "investigating", "employer", "patient", "mentioned")
# when one organisation has mentions in several roles, the one it keeps
PRIORITY = {"perpetrator": 0, "ordering": 1, "investigating": 2, "patient": 3, "employer": 4,
            "mentioned": 5}

_WINDOW = 100  # how far a clause rule looks, in characters
# agent credit of an accusation of a private person, and of a body named for its act ("the
# kidnappers"): set on HRDsAttack folds (perpetrator type +0.25, violations level)
_ACCUSED = 1
_NOUN = 2
_NOUN_ROLES = ("mentioned", "patient")
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s|\n|;")

# a person of an organisation: "an official of the MPS", "agents from the SSD"
_PERSON = (r"officials?|officers?|members?|agents?|employees?|cadres?|heads?|chiefs?|"
           r"directors?|staff(?:ers?)?|workers?|personnel|chairm[ae]n|secretar(?:y|ies)|"
           r"leaders?|commanders?|soldiers?|guards?|judges?|prosecutors?|investigators?|"
           r"operatives?|executives?|managers?|functionar(?:y|ies)|deputy|deputies|"
           r"representatives?|veterans?|students?|teachers?|doctors?|researchers?|"
           r"diplomats?|ministers?|employees?|journalists?|reporters?|men|women|"
           r"someone|one|some|two|three|four|five|several|dozens")
_OF_ORG = re.compile(r"\b(?:" + _PERSON + r")\s+(?:of|from|at|with|in|for)\s+"
                     r"(?:(?:the|a|an|its|local|provincial|city|county|district|regional|"
                     r"municipal|\w+['’]s)\s+){0,3}$", re.I)
# an organisation followed by a person noun: "an MPS official", "SSD agents"
_ORG_PERSON = re.compile(r"\s*(?:" + _PERSON + r")\b", re.I)
# an apposition after the victim: "Kim, an official of the MPS, ..."
_APPOSITION_OPEN = re.compile(r",\s*(?:an?|the|one|two|three|four|five|several|a\s+former|"
                              r"a\s+senior|a\s+junior|a\s+local)\s+(?:[\w-]+\s+){0,3}?(?:"
                              + _PERSON + r")\s+(?:of|from|at|with|in)\s+"
                              r"(?:(?:the|a|an|\w+['’]s)\s+){0,2}$", re.I)

# passive agent: "... by the", "at the hands of unidentified"
_BY = re.compile(r"\b(?P<prep>by|at\s+the\s+hands\s+of)\s+(?:(?:the|a|an|some|"
                 r"a\s+group\s+of|a\s+unit\s+of|agents\s+of|officers\s+of|members\s+of|"
                 r"\w+['’]s)\s+)*(?:(?!(?:of|and|or|who|which|that)\b)[\w-]+\s+){0,3}$", re.I)
_ORDERS = re.compile(r"\b(?:on\s+(?:the\s+)?(?:direct\s+)?(?:orders?|instructions?|"
                     r"command)\s+(?:of|from)|ordered\s+by|at\s+the\s+(?:behest|direction|"
                     r"request)\s+of|under\s+(?:the\s+)?orders?\s+(?:of|from)|instructed\s+"
                     r"by|directed\s+by)\s+(?:(?:the|a|an|local|provincial|city|county|"
                     r"\w+['’]s)\s+)*$", re.I)
_INVESTIGATION_BY = re.compile(r"\b(?:investigat(?:ion|ions|ed)|probed?|inquiry|"
                               r"inquiries|examined|questioned|interrogated)\s+(?:\w+\s+){0,2}?"
                               r"(?:by|of|from)\s+(?:(?:the|a|an|local|provincial|city|county|"
                               r"\w+['’]s)\s+)*$", re.I)
# what may lie between a subject and its verb: auxiliaries, adverbs, a time or place phrase
_CAPITALISED = r"(?-i:[A-Z])[\w'’.-]*"
_SUBJECT_GAP = re.compile(
    r"(?:\s*(?:\([^()]{0,40}\)|,[^,.;()]{1,80},|,(?=\s)|-?(?:involved|led|linked|backed|"
    r"related)\b|['’]s\b|"
    # "of the Nigerian Army", "in Las Anod": a name after the subject
    r"(?:of|in|at|from)\s+(?:the\s+)?" + _CAPITALISED + r"(?:\s+" + _CAPITALISED + r"){0,4}|"
    # "police and military raided", "police and officials assaulted"
    r"(?:and|or|&)\s+(?:the\s+|other\s+|some\s+)?[\w-]+|"
    # "police said they had arrested"
    r"(?:said|say|says|announced|confirmed|reported|stated)\s+(?:that\s+)?(?:they|it)\b|"
    r"(?:who|which|that|has|have|had|was|were|is|are|be|been|being|will|would|could|may|"
    r"might|also|later|then|now|first|even|not|to|got|get|gets|again|"
    r"among\s+(?:[\w-]+\s+){0,3}(?:[\w-]+s|those|three|people|men|women)(?=\s)|[a-z]+ly|"
    r"(?:last|this|on|in|at|early|late)\s+[\w-]+(?:\s+\d{1,2})?,?)\b))*\s*", re.I)
# after a subject, a verb that is not a violation, then one that is: "gunmen attacked a
# school, abducting scores"; "gangs who raid villages, killing and abducting residents"
_CONTINUATION = re.compile(r"[\w-]+(?:\s+[\w'’-]+){0,7}?,\s+(?:and\s+|then\s+)?(?=\w+ing\b)",
                           re.I)
_PASSIVE_AUX = re.compile(r"\b(?:was|were|is|are|be|been|being|got|get|gets|among)\b", re.I)
_PARTICIPLE_START = re.compile(r"^(?:(?:was|were|is|are|be|been|being|got|get|gets|"
                               r"has|have|had|\w+ly)\s+)*(?P<word>[\w-]+)", re.I)
# what may lie between a verb and its object
_OBJECT_GAP = re.compile(r"^\s*(?:(?:the|a|an|some|two|three|four|five|six|seven|eight|nine|"
                         r"ten|several|many|dozens|hundreds|of|\d+|more|other|former|senior|"
                         r"local|at\s+least|up\s+to|about|nearly|around)\s+)*$", re.I)
# a bare participle with no object: a reduced passive ("a border guard arrested for
# smuggling", "guards detained after the escape")
_NO_OBJECT = re.compile(r"\s*(?:for|over|on|in|at|after|by|last|yesterday|earlier|when|"
                        r"while|because|as|under|with|without|and|or|,|\.|;|$)", re.I)
# verbs of ordering and investigating, after a subject
_ORDER_VERB = re.compile(r"^(?:ordered|orders|order|instructed|directed|commanded|"
                         r"authori[sz]ed|approved)\b", re.I)
_INVESTIGATE_VERB = re.compile(r"^(?:investigat\w*|probe[sd]?|probing|(?:launched|opened|"
                               r"began|started|is\s+conducting|conducted)\s+(?:an?\s+)?"
                               r"(?:\w+\s+)?(?:investigation|probe|inquiry)|looking\s+into|"
                               r"look\s+into|examin\w+)\b", re.I)
# the last participle before "by": a violation's, or another verb's ("rescued by police")
_PARTICIPLE = re.compile(r"\b(?:[a-z]+ed|[a-z]+en|held|shot|sent|put|caught|hit|struck|"
                         r"kept|led|brought|told|seen|run|cut|beat|spent|bound|hung)\b", re.I)
_NOT_VERBS = frozenset({"armed", "unidentified", "suspected", "alleged", "masked", "hundred",
                        "uniformed", "red", "bed", "seed", "need", "feed", "speed", "shed",
                        "often", "even", "ten", "seven", "eleven", "men", "women", "children",
                        "citizen", "when", "then", "garden", "kitchen", "screen", "open",
                        "sudden", "hidden", "golden", "wooden", "heaven", "linden", "between",
                        "united", "limited", "related", "based", "called", "named",
                        "so-called", "aged"})
# verbs that pass agency on to the noun before them: "a raid led by police"
_SUPPORT = frozenset({"led", "carried", "conducted", "committed", "perpetrated", "staged",
                      "launched", "orchestrated", "claimed", "done", "ordered", "organised",
                      "organized", "masterminded", "planned"})
_ORDERING_PARTICIPLES = frozenset({"ordered", "instructed", "directed", "commanded",
                                   "authorised", "authorized", "approved"})
_INVESTIGATING_PARTICIPLES = frozenset({"investigated", "probed", "examined", "questioned"})
_NOMINAL_STOP = re.compile(r"[,;:]|\b(?:but|while|after|before|when|which|who)\b", re.I)
# verbs through which a subject does a nominal act: "gangs have conducted mass abductions"
_SUPPORT_ACTIVE = re.compile(
    r"(?:(?:acknowledged|said|believed|known|reported|thought|alleged|accused|suspected)\s+"
    r"to\s+(?:have\s+)?)?(?:conduct\w*|carr(?:y|ied|ies|ying)\s+out|commit\w*|perpetrat\w*|"
    r"stag(?:e|es|ed|ing)|launch\w*|us(?:e|es|ed|ing)|behind|(?:claimed|claim|claims|"
    r"claiming)\s+(?:responsibility|credit)\s+for|responsible\s+for|blamed\s+for|"
    r"resort\w*\s+to|engag\w+\s+in)\s+(?:[\w-]+\s+){0,4}?", re.I)
# a body named for the act it did: "the kidnappers", "gunmen", "the killers"
_AGENT_NOUN = re.compile(r"\b(?:kidnappers?|abductors?|killers?|murderers?|assassins?|rapists?|"
                         r"torturers?|gunm[ae]n|assailants?|attackers?|hitm[ae]n|hijackers?|"
                         r"shooters?|executioners?)\b", re.I)
_CLAUSE_STOP = re.compile(r"[,;:]|\b(?:and|but|while|after|before|when|which|who)\b", re.I)


@dataclass(frozen=True)
class Role:
    """What one organisation mention is in its clause, and the violation it concerns."""

    fact: Fact
    role: str
    act: vocab.Hit | None = None
    weight: int = 0  # agent credit: how grave the act it did is (0 unless perpetrator)


class _Acts:
    """The violation mentions of a report, by position."""

    def __init__(self, hits: Iterable[vocab.Hit]) -> None:
        self.by_start = sorted(hits, key=lambda h: h.start)
        self.starts = [h.start for h in self.by_start]

    def overlapping(self, start: int, end: int) -> vocab.Hit | None:
        """The violation mention covering any of [start, end), if any."""
        i = bisect_left(self.starts, end)
        for hit in reversed(self.by_start[max(0, i - 8):i]):
            if hit.end > start:
                return hit
        return None

    def starting_in(self, start: int, end: int) -> list[vocab.Hit]:
        return self.by_start[bisect_left(self.starts, start):bisect_left(self.starts, end)]

    def ending_in(self, start: int, end: int) -> list[vocab.Hit]:
        """Mentions that end within [start, end], nearest last (a bounded look-back)."""
        i = bisect_left(self.starts, end)
        return sorted((h for h in self.by_start[max(0, i - 8):i] if start <= h.end <= end),
                      key=lambda h: h.end)


def _weight(hit: vocab.Hit | None) -> int:
    return GRAVE.get(hit.term.id, 1) if hit is not None else 0


def _sentence_bounds(breaks: Sequence[int], pos: int, length: int) -> tuple[int, int]:
    i = bisect_right(breaks, pos)
    begin = breaks[i - 1] if i else 0
    end = breaks[i] if i < len(breaks) else length
    return begin, end


def _passive_before(text: str, acts: _Acts, at: int, floor: int) -> tuple[str, vocab.Hit | None]:
    """The role of an agent introduced by "by" at ``at``: the verb before "by" decides."""
    window = text[max(floor, at - _WINDOW):at]
    offset = at - len(window)
    # a nominal act nearer "by" than any verb: "the killing of two men on Monday by bandits"
    nominal = acts.ending_in(max(floor, at - 60), at)
    words = list(_PARTICIPLE.finditer(window))
    for m in reversed(words):
        word = m.group(0).lower()
        if word in _NOT_VERBS:
            continue
        start, end = offset + m.start(), offset + m.end()
        if nominal and nominal[-1].start >= end:
            break
        hit = acts.overlapping(start, end)
        if hit is not None:
            return "perpetrator", hit
        if word in _ORDERING_PARTICIPLES:
            return "ordering", None
        if word in _INVESTIGATING_PARTICIPLES:
            return "investigating", None
        if word in _SUPPORT:  # "a raid led by", "the killings carried out by"
            nearest = acts.ending_in(max(floor, start - 40), start)
            return ("perpetrator", nearest[-1]) if nearest else ("mentioned", None)
        previous = window[:m.start()]
        link = re.search(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$", previous)
        if link is not None and _PARTICIPLE.search(previous, max(0, link.start() - 16)):
            continue  # one of a list of acts: "kidnapped, tortured, and enslaved by"
        return "mentioned", None  # another verb's agent: "rescued by police"
    # no verb: a nominal act ("the arrests by the SSD", "the killing of two men by police")
    nearest = acts.ending_in(max(floor, at - 60), at)
    if nearest and not _NOMINAL_STOP.search(text, nearest[-1].end, at):
        return "perpetrator", nearest[-1]
    return "mentioned", None


def _unit(text: str, fact: Fact, floor: int) -> tuple[int, int, bool]:
    """The noun phrase an organisation mention belongs to, and whether it names a person of
    the organisation (so that what the phrase suffers, its employer does not)."""
    start, end = fact.evidence.start, fact.evidence.end
    before = text[max(floor, start - 60):start]
    person = _OF_ORG.search(before)
    if person is not None:
        start = start - len(before) + person.start()
    after = _ORG_PERSON.match(text, end, min(len(text), end + 30))
    if after is not None:
        end = after.end()
    return start, end, person is not None or after is not None


def _role_of(text: str, fact: Fact, acts: _Acts, breaks: Sequence[int]) -> Role:
    start = fact.evidence.start
    floor, ceiling = _sentence_bounds(breaks, start, len(text))
    u_start, u_end, person = _unit(text, fact, floor)
    suffered = "employer" if person else "patient"
    # an apposition: "Kim, an official of the MPS, was arrested": the phrase before the comma
    # is the one that acts or suffers, and the organisation its employer
    apposition = _APPOSITION_OPEN.search(text[max(floor, start - 80):start])
    if apposition is not None:
        suffered = "employer"
    # 1. before the phrase: "by", "on the orders of", "an investigation by"
    lead = text[max(floor, u_start - 60):u_start]
    if _ORDERS.search(lead):
        return Role(fact, "ordering")
    if _INVESTIGATION_BY.search(lead):
        return Role(fact, "investigating")
    by = _BY.search(lead)
    if by is not None and apposition is None:
        at = u_start - len(lead) + by.start()
        role, hit = _passive_before(text, acts, at, floor)
        if role == "perpetrator" and person and not _agentive_person(text, u_start, start):
            role = "mentioned"
        return Role(fact, role, hit, _weight(hit) if role == "perpetrator" else 0)
    # 2. the object of a violation: "arrested two MPS officials", "the arrest of border guards"
    for hit in acts.ending_in(max(floor, u_start - 50), u_start):
        if _OBJECT_GAP.match(text[hit.end:u_start]):
            return Role(fact, suffered, hit)
    # 3. the subject of a violation: "the SSD arrested", "guards were arrested"
    gap_end = u_end
    if apposition is not None:  # the apposition's own close: "..., an official of the MPS,"
        close = text.find(",", u_end, min(ceiling, u_end + 40))
        gap_end = close + 1 if close >= 0 else u_end
    gap = _SUBJECT_GAP.match(text, gap_end, min(ceiling, gap_end + _WINDOW))
    verb_at = gap.end() if gap else gap_end
    between = text[gap_end:verb_at]
    # the violation begins where the gap ends (or inside it: "were killed" is one mention)
    for hit in acts.starting_in(gap_end, verb_at + 1):
        if hit.start >= ceiling:
            continue
        if _passive_clause(text, between, hit, ceiling):
            return Role(fact, suffered, hit)
        return Role(fact, "perpetrator", hit, _weight(hit))
    going_on = _CONTINUATION.match(text, verb_at, min(ceiling, verb_at + 80))
    if going_on is not None and not _PASSIVE_AUX.search(between):
        for hit in acts.starting_in(going_on.end(), going_on.end() + 1):
            return Role(fact, "perpetrator", hit, _weight(hit))
    support = _SUPPORT_ACTIVE.match(text, verb_at, min(ceiling, verb_at + 80))
    if support is not None:
        for hit in acts.starting_in(support.end() - 1, support.end() + 1):
            return Role(fact, "perpetrator", hit, _weight(hit))
    rest = text[verb_at:min(ceiling, verb_at + 60)]
    if _ORDER_VERB.match(rest) and not _PASSIVE_AUX.search(between):
        return Role(fact, "ordering")
    if _INVESTIGATE_VERB.match(rest) and not _PASSIVE_AUX.search(between):
        return Role(fact, "investigating")
    if apposition is not None or person:
        return Role(fact, "employer" if apposition is not None else "mentioned")
    return Role(fact, "mentioned")


def _agentive_person(text: str, u_start: int, start: int) -> bool:
    """Whether the person of "by officers of the SSD" acts for the organisation (always, but
    "by the wife of an SSD officer" does not)."""
    return not re.search(r"\b(?:wife|husband|son|daughter|relatives?|famil(?:y|ies)|friends?|"
                         r"brother|sister|father|mother)\b", text[u_start:start], re.I)


def _passive_clause(text: str, between: str, hit: vocab.Hit, ceiling: int) -> bool:
    """Whether a violation after its subject is passive: "were arrested", "was among those
    arrested", "detained for smuggling" (a bare participle with no object)."""
    if _PASSIVE_AUX.search(between) or re.match(r"(?:was|were|is|are|be|been|being|got)\b",
                                                hit.quote, re.I):
        first = _PARTICIPLE_START.match(hit.quote)
        word = first.group("word").lower() if first else ""
        return not word.endswith("ing")
    if re.search(r"\b(?:has|have|had|will|would|to)\s*$", between, re.I):
        return False
    # a bare participle: passive when no object follows it
    if re.fullmatch(r"[\w-]+ed|held|taken|shot|sent|beaten", hit.quote.strip(), re.I):
        return bool(_NO_OBJECT.match(text, hit.end, min(ceiling, hit.end + 20)))
    return False


def _accusation_role(text: str, accusation: Accusation, acts: _Acts,
                     breaks: Sequence[int]) -> str:
    """An accusation's accused is its crime's candidate perpetrator, unless the accused are
    the patients of a violation the report states: "executed three men accused of killing",
    "two men accused of murder were executed"."""
    floor, ceiling = _sentence_bounds(breaks, accusation.start, len(text))
    for hit in acts.ending_in(max(floor, accusation.start - 60), accusation.start):
        if hit.end <= accusation.start and not _CLAUSE_STOP.search(
                text[hit.end:accusation.start]):
            return "patient"
    after = text[accusation.end:min(ceiling, accusation.end + _WINDOW)]
    verb = re.search(r"\b(?:was|were|had\s+been|have\s+been|has\s+been)\s+(?:\w+ly\s+)?"
                     r"(?=\w)", after, re.I)
    if verb is not None and not _CLAUSE_STOP.search(after[:verb.start()].replace(",", "")):
        at = accusation.end + verb.end()
        if acts.starting_in(at - 12, at + 1):
            return "patient"
    return "perpetrator"


def find_roles(text: str, organisations: Sequence[Fact], violations: Iterable[vocab.Hit],
               accusations: Iterable[Accusation] = ()) -> list[Role]:
    """One role per organisation mention (``organisations``, in their order).

    The ``private_individuals`` facts that accusations make (their evidence is the crime
    the accusation names) take the role of their accusation. A Korean report is read by
    :mod:`roles_ko` (imported here: it builds on this module's :class:`Role`).
    """
    if clause_ko.is_korean(text):
        from . import roles_ko

        return roles_ko.find_roles(text, organisations, violations)
    acts = _Acts(violations)
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text)]
    accused: dict[tuple[int, int], str] = {}
    named: dict[tuple[str, int, int], str] = {}  # accused organisation mention -> its role
    for accusation in accusations:
        role = _accusation_role(text, accusation, acts, breaks)
        if accusation.accused is None:
            # the fact quotes the crime ("over the killing"), not the person accused
            accused[(accusation.crime_start, accusation.end)] = role
        else:
            key = _key(accusation.accused)
            named[key] = min(role, named.get(key, "mentioned"), key=PRIORITY.__getitem__)
    out = []
    for fact in organisations:
        span = (fact.evidence.start, fact.evidence.end)
        if fact.value == "private_individuals" and span in accused:
            role = accused[span]
            out.append(Role(fact, role, None, _ACCUSED if role == "perpetrator" else 0))
            continue
        found = _role_of(text, fact, acts, breaks)
        if _AGENT_NOUN.search(fact.evidence.quote) and found.role in _NOUN_ROLES:
            # named for the act: its doer, even where the clause has it arrested
            found = Role(fact, "perpetrator", found.act, _NOUN)
        if _key(fact) in named:
            role = named[_key(fact)]
            if PRIORITY[role] < PRIORITY[found.role]:
                found = Role(fact, role, None, 3 if role == "perpetrator" else 0)
            elif role == "perpetrator":  # accused of a grave act: as grave as doing it
                found = Role(fact, found.role, found.act, found.weight + 3)
        out.append(found)
    return out


def _key(fact: Fact) -> tuple[str, int, int]:
    return fact.value, fact.evidence.start, fact.evidence.end


def by_value(roles: Iterable[Role]) -> dict[str, str]:
    """One role per organisation: the highest of its mentions' (perpetrator first)."""
    out: dict[str, str] = {}
    for r in roles:
        prior = out.get(r.fact.value)
        if prior is None or PRIORITY[r.role] < PRIORITY[prior]:
            out[r.fact.value] = r.role
    return out


def deciding_mentions(roles: Iterable[Role]) -> dict[str, Fact]:
    """Per organisation, the first mention that has its role (:func:`by_value`): the words a
    reviewer should see, "the SSD arrested three traders", rather than a passing mention."""
    roles = list(roles)
    role_of = by_value(roles)
    out: dict[str, Fact] = {}
    for r in sorted(roles, key=lambda r: r.fact.evidence.start):
        if r.role == role_of[r.fact.value]:
            out.setdefault(r.fact.value, r.fact)
    return out


def agent_scores(roles: Iterable[Role]) -> dict[str, int]:
    """How strongly each organisation is named as doing a violation: the gravity of each act
    it is the perpetrator of, summed. Acts done to it, or that it ordered or investigated,
    give none."""
    out: dict[str, int] = {}
    for r in roles:
        if r.role == "perpetrator" and r.weight:
            out[r.fact.value] = out.get(r.fact.value, 0) + r.weight
    return out
