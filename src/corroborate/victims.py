"""Named victims: the people a report itself presents as victims, by name.

Names are runs of two to four capitalised words joined by single spaces, with particles
("bin", "al-", "de", "van") and initials ("J.", "N.K."). A run is cut after its last word
that cannot be part of a name: a title or office ("Mr", "President"), a role noun, an
institution word ("Court", "Ministry"), a month or day, a country, demonym, organisation or
outlet, or a word the report also writes in lower case ("Supply Chain"). What is left is
not a person when it names a known country, region, place, organisation or outlet.

Each mention scores what the words around it say. For a victim: a role noun ("journalist
X", "X, a lawyer"), a passive violation verb ("X was arrested", "X, 32, was shot"), a
violation aimed at X ("police detained X", "the killing of X", "X's arrest"); names listed
together ("journalists X and Y", "X, Y and Z were detained") share the cue. Against: an
office ("President X", "X, a police spokesman"), an active verb ("X ordered the arrest"), a
suspect ("X was arrested for the murder of"), being quoted ("X said", "X, a lawyer, said"),
or a byline ("By X", "X contributed"). A person whose mentions score above zero is a victim.
Later mentions by surname ("Bello" after "Ade Bello") count for the full name, the value
as first written.

The line we hold: corroborate documents what states do to people. It never profiles
private individuals and never tries to identify an anonymous source: only names the report
itself presents as victims are returned, never a guessed or completed name, and never a
name the report says is a pseudonym ("Kim, not her real name").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from . import clause_ko, victims_ko, vocab
from .model import Evidence, Fact, Report

__all__ = ["find_named_victims"]

_PARTICLES = set("al el bin bint ibn de da das dos do du van von der den del della di la le y "
                 "ter ben".split())
_PREFIX = re.compile(r"(?:al|el|ad|ar|as|ash|at|az)-", re.I)
_CAPWORD = re.compile(r"(?<![\w'’.-])(?:(?:[^\W\d_a-z]\.){1,3}(?![^\W\d_])|(?:(?:al|el|ad|ar|as|"
                      r"ash|at|az)-)?[^\W\d_a-z][^\W\d_]*(?:['’\-][^\W\d_]+)*)")
_LOWER = re.compile(r"(?<![^\s(“\"‘'])[a-z][a-z’'-]+(?=[\s,.;:!?)”\"’]|$)")
_LOWER_RUN = re.compile(r"[a-z’'-]+")
_LONG_LOWER_RUN = re.compile(r"[a-z’'-]{65,}")
_APOSTROPHE_LETTER = re.compile(r"'[a-z]")
_POSSESSIVE = ("'s", "’s")
_NOT_NAME = set(
    "the a an and but or in on at of for to by with from after before as when while since if this "
    "that these those his her their its our he she they we it i you according former late jailed "
    "detained imprisoned slain murdered missing prominent veteran dear meanwhile also however "
    "today yesterday last then now although how why what where who whom whose which without within "
    "despite during under over through into get click read watch follow share subscribe sign photo "
    "image video court ministry university college school party council committee commission "
    "department agency army force forces government organisation organization association union "
    "network foundation institute center centre news times press media group movement front "
    "republic kingdom state states province district city street road prison jail hospital mosque "
    "bank company corp corporation inc ltd office service bureau guard brigade brigades police "
    "tribunal assembly parliament congress senate rights human amnesty reporters journalists "
    "federation society alliance league coalition initiative project fund trust board authority "
    "directorate unit station airport square village county region island islands river valley "
    "south east northern southern eastern western central united national federal supreme high "
    "islamic democratic people's liberation revolutionary socialist communist act covid "
    "coronavirus facebook twitter youtube telegram whatsapp instagram god allah prize award summit "
    "festival convention charter daily tv radio channel magazine journal review herald tribune "
    "gazette telegraph airways airlines express hotel market stadium bridge tunnel annex dormitory "
    "compound building tower campaign muslim muslims christians catholic catholics hindus sikhs "
    "buddhists uyghurs uighurs practitioners".split())
# titles, months, days and words of places that are also surnames end a name at most ("Amr
# Imam", "Dulcie September", "Nathan Law")
_SOFT = set("park hall law church west north day post camp "
            "mr mrs ms miss md dr prof professor sir rev reverend sheikh imam father sister "
            "brother pastor st hon january february march april may june july august september "
            "october november december monday tuesday wednesday thursday friday saturday "
            "sunday".split())
_COMPOUND = re.compile(r".{3,}ists?|.+-(?:born|based|led|backed|run|owned|inspired|style|era|"
                       r"linked|affiliated|funded|controlled|appointed|elected)")
# victim roles: the noun as written -> the role recorded
_ROLES = {noun: role for role, nouns in (
    ("journalist", "journalist reporter editor photojournalist photographer correspondent "
                   "blogger cameraman columnist broadcaster"),
    ("activist", "activist campaigner dissident critic environmentalist"),
    ("lawyer", "lawyer"), ("human rights defender", "defender"), ("trade unionist", "unionist"),
) for noun in nouns.split()}
_ROLE = "|".join([*_ROLES, "student|teacher|doctor|physician|priest|monk|farmer|writer|poet|"
                  "artist|musician|rapper|singer|filmmaker|academic|scholar|cleric|politician|"
                  "protester|protestor|detainee|prisoner|victim|cartoonist|comedian|trader|"
                  "whistleblower|refugee|man|woman|boy|girl|organi[sz]er|worker|anchor|pastor|"
                  "seminarian"])
_AGAINST = ("spokes(?:man|woman|person)|minister|official|president|chief|commissioner|"
            "governor|prosecutor|judge|ambassador|secretary|head|superintendent|inspector|"
            "commander|officer|researcher|analyst|deputy|mayor|senator|representative|"
            "rapporteur|envoy|expert|general|colonel|captain|sergeant|director|suspect|attorney|"
            "lieutenant|major|corporal|constable|sheriff|warden|marshal|gunman|gunmen|assailant|"
            "accused|killer|terrorist|militant|leader|chairman")
_ROLE_WORD = re.compile(rf"(?:{_ROLE}|{_AGAINST})s?")
# violation verbs: stems taking -ed and -ing, stems taking -e, -ed and -ing, and the rest
_VERB = ("(?:arrest|detain|kill|murder|abduct|jail|imprison|attack|assault|threaten|deport|"
         "summon|harass|target)(?:ed|ing)?|(?:tortur|execut|sentenc|charg|assassinat|seiz|"
         "prosecut)(?:e|ed|ing)|kidnap(?:ped|ping)?|stabb(?:ed|ing)|shot|shoot(?:ing)?|beat(?:ing)?")
_ACT = rf"{_VERB}|free(?:ing)?|releas(?:e|ing)"
_PP = (rf"(?!\w+ing\b)(?:{_VERB})|beaten|convicted|interrogated|hanged|lynched|held|indicted|"
       r"expelled|banned|injured|wounded|hospitali[sz]ed|freed|released|gunned\s+down|taken|"
       r"picked\s+up|disappeared|raped|persecuted|accused|tried|fined|flogged|whipped|muzzled|"
       r"silenced|denied|barred|placed|under\s+house\s+arrest|in\s+(?:police\s+)?(?:custody|"
       r"detention|jail|prison)|behind\s+bars|missing|on\s+trial|found\s+(?:guilty|dead)")
_NOUN = (r"arrest|detention|killing|murder|assassination|abduction|kidnapping|disappearance|"
         r"torture|imprisonment|jailing|execution|death|release|trial|sentencing|conviction|"
         r"case|persecution|harassment|prosecution|shooting|freedom|plight|detainment|"
         r"incarceration|hanging|beating|attack\s+on|deportation|whereabouts")
_SAID = r"said|says|told|added|explained|wrote|tweeted|stated"
_FILLER = (r"(?:(?!(?:of|in|on|at|by|for|with|from|to|against|alongside|and|or|but|as|that|"
           r"who|which|said|says|told|was|were|is|are|has|have|had|when|after)\b)[\w’'-]+\s+)")
_INTRO = r"(?:,?\s+(?:namely|including|identified\s+as|such\s+as)\s*:?|\s*[:–—])?"
_NAMES = (rf"(?:(?!(?:{_AGAINST}|{_ROLE})\b)(?-i:[A-Z][\w’'.-]*|al-\w+|bin|de)"
          r"(?:\s+|,\s+(?:and\s+)?|\s+and\s+))*?")
# what comes before a mention, matched from a cue word to the mention
_BEFORE = re.compile(
    rf"(?:(?P<poss>(?:his|her|their|[\w’']+['’]s?)\s+{_FILLER}?)?(?P<role>{_ROLE})s?{_INTRO},?"
    rf"\s+{_NAMES}|(?P<against>{_AGAINST})s?\s+{_NAMES}"
    rf"|(?:{_ACT})(?:\s+and\s+\w+)?\s+{_FILLER}{{0,3}}{_INTRO}\s*{_NAMES}"
    rf"|(?:{_NOUN})\s+(?:of|for|against)\s+{_FILLER}{{0,3}}{_NAMES}"
    rf"|(?P<quoted>said|says|told|according\s+to)\s+{_NAMES}"
    rf"|(?P<byline>reporting|editing|written|photo|photograph|credit)(?:\s+by)?\s*:?\s*)$",
    re.I)
_CUE = re.compile(rf"(?:{_ROLE}|{_AGAINST}|{_ACT}|{_NOUN}|his|her|their|said|says|told|"
                  r"according|reporting|editing|written|photo|credit|photograph)s?|.+['’]s?",
                  re.I)
_BY = re.compile(r"\s*By\s*:?\s*")  # a byline line: "By X"
_TOKEN = re.compile(r"\w+(?:['’]\w*)?")
_ADV = r"(?:(?:also|later|then|allegedly|reportedly|still|not|never|since|\w+ly)\s+)*"
# possessive: a run of capitals is one word, never split again ("RRRR" had 2^n splits)
_NAME_WORD = r"(?-i:[A-Z])(?:[\w’'-]++|\.)"
_LIST = rf"(?:(?:,\s+(?:and\s+)?|\s+and\s+){_NAME_WORD}(?:\s*{_NAME_WORD})*)*"
# what comes after a mention: an apposition, a verb (past an apposition), a possessive
_AFTER = re.compile(
    rf"(?:\s*\(\d+\))?(?:,\s+(?:aged\s+)?\d{{1,3}},)?(?:,\s+(?:who\s+(?:is|was)\s+)?"
    rf"(?:(?:a|an|the|his|her|their)\s+)?{_FILLER}{{0,4}}?(?:(?P<role>{_ROLE})|"
    rf"(?P<against>{_AGAINST}))s?\b|{_LIST}(?:,\s+[^,.;\n]{{1,80}},|\s+[–—]\s+[^–—.;\n]{{1,80}}"
    rf"[–—])?,?\s+[“\"]?(?:who\s+)?(?:(?:has|have|had)\s+)?{_ADV}"
    rf"(?:(?:was|were|is|are|been|being|got|gets|get)\s+{_ADV}(?P<passive>{_PP})"
    rf"|(?P<intransitive>died|disappeared|went\s+missing|vanished|remains?\s+(?:in|behind|"
    rf"missing|detained)|faces?\s+(?:charges|trial|up\s+to))"
    rf"|(?:will\s+|would\s+)?(?P<active>{_ACT}|ordered|order|orders|led|accused)"
    rf"|(?P<quoted>{_SAID})|(?P<byline>contributed))"
    rf"\b|['’]s?\s+{_FILLER}{{0,2}}?(?P<noun>{_NOUN}|lawyers?|family|relatives|wife|husband|"
    rf"mother|father|sentence)\b)", re.I)
_QUOTED = re.compile(rf"(?:\s*\(\d+\))?,\s+[^.;\n“”\"]{{1,120}}?,\s+(?:{_SAID})\b", re.I)
_SUSPECT = re.compile(
    r"[^.;\n]{0,40}?\b(?:for|with|over|in\s+connection\s+with|(?:accused|suspected|guilty|"
    r"charges?)\s+of)\s+(?:the\s+|an?\s+)?"
    r"(?:attempted\s+|alleged\s+)?(?:murder|killing|kidnapping|abduction|assault|rape|attack|"
    r"beating|death|shooting|stabbing|kill|murdering)s?\b", re.I)
_PSEUDONYM = re.compile(r"[\s,(]*(?:not\s+(?:his|her|their)\s+real\s+name|a\s+pseudonym|an?\s+"
                        r"alias|(?:whose\s+)?names?\s+(?:has\s+|have\s+)?(?:been\s+)?changed)",
                        re.I)
_JOIN = re.compile(r"(?:\s*\([^()]{1,30}\))?(?:,\s+\d{1,3})?(?:[,;]\s+(?:and\s+)?|\s+and\s+)")
_CUT = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\b[A-Z])[.;!?\n]\s")
_FIRST = re.compile(r"\w+(?:['’‘]\w+)*")
_GAZETTEERS = ("countries", "regions", "places", "organisations", "outlets", "demonyms")


@dataclass
class _Person:
    name: str
    start: int
    end: int
    mentions: int = 0
    score: int = 0
    role: str | None = None


_key = lru_cache(maxsize=1 << 16)(vocab.normalise)


@vocab.per_overlay(maxsize=1 << 14)
def _known(phrase: str, kinds: tuple[str, ...] = _GAZETTEERS) -> bool:
    """Whether a phrase names a known country, region, place, organisation or outlet."""
    first = _FIRST.match(phrase)  # the first word of an alias, as vocab keys it
    word = first.group(0) if first else ""
    key = word.lower() if word.isascii() and word.isalpha() else _key(word).replace(" ", "")
    return key in _first_words(kinds) and any(vocab.load(v).lookup(phrase) for v in kinds)


@vocab.per_overlay(maxsize=8)
def _first_words(kinds: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for v in kinds for w in vocab.load(v).first_words())


@lru_cache(maxsize=1 << 14)
def _is_cue(word: str) -> bool:
    return _CUE.fullmatch(word) is not None


@vocab.per_overlay(maxsize=1 << 14)
def _breaks(word: str, first: bool, last: bool) -> bool:
    """Whether a word cannot be part of a person's name (the report's lower-case words
    aside). One word naming a country, demonym, organisation or outlet never is ("Nigerian",
    "Reuters"); a town or a region may follow a first name ("Agba Jalingo")."""
    low = word.lower()
    return (low in _NOT_NAME or _ROLE_WORD.fullmatch(low) is not None
            or (len(word) > 1 and word.isupper() and "." not in word)
            or (not last and low.rstrip(".") in _SOFT)
            or (first and not last and _known(word, ("regions", "places")))
            or bool(_COMPOUND.fullmatch(low))
            or _known(word, ("countries", "demonyms", "organisations", "outlets")))


def _names(text: str, lower: set[str]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of the names that end runs of capitalised words (one word where the rest of
    the run is a title or a role: "Mr Bello"), and of capitalised words standing alone."""
    names: list[tuple[int, int]] = []
    alone: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for m in [*_CAPWORD.finditer(text), None]:
        if m is not None and run and run[-1].group(0)[-2:] not in _POSSESSIVE:
            gap = text[run[-1].end():m.start()]
            if gap == " " or (gap[:1] == gap[-1:] == " " and gap[1:-1] in _PARTICLES):
                run.append(m)
                continue
        words = [w.group(0) for w in run]
        half = len(words) // 2
        if half and words[:half] == words[half:]:
            run, words = run[half:], words[half:]  # a name printed twice (caption and text)
        cut = 0
        for i, word in enumerate(words if len(run) > 1 else ()):
            if not _PREFIX.match(word) and (
                    word.lower() in lower or _breaks(word, i == 0, i == len(words) - 1)):
                cut = i + 1
        if cut < len(run):
            end = run[-1].end() - 2 * (words[-1][-2:] in _POSSESSIVE)
            (names if len(run) > 1 else alone).append((run[cut].start(), end))
        run = [m] if m is not None else []
    return names, alone


def _lower_words(text: str) -> set[str]:
    """The words the report writes in lower case: what ``_LOWER`` finds.

    The regex tries each letter after a straight apostrophe against the rest of its run of
    letters, apostrophes and hyphens: quadratic in a long run ("a'a'a'..."). Where a text
    has one, each run is decided once instead: only its first possible start can match, up
    to the run's end if a delimiter follows it, else up to its last "’".
    """
    if _LONG_LOWER_RUN.search(text) is None:
        return set(_LOWER.findall(text))
    words = set()
    for run in _LOWER_RUN.finditer(text):
        begin, end = run.span()
        start = begin
        if not ("a" <= text[begin] <= "z" and (
                begin == 0 or text[begin - 1] in "(“\"‘" or text[begin - 1].isspace())):
            after = _APOSTROPHE_LETTER.search(text, begin, end)
            if after is None:
                continue
            start = after.start() + 1
        if not (end == len(text) or text[end] in ",.;:!?)”\"" or text[end].isspace()):
            end = text.rfind("’", begin, end)
        if end >= start + 2:
            words.add(text[start:end])
    return words


def _score(text: str, start: int, end: int) -> tuple[int, int, str | None]:
    """What the words before and after one mention say (> 0 for a victim), and the role."""
    before = text[max(0, start - 80):start]
    cut = list(_CUT.finditer(before))
    before = before[cut[-1].end():] if cut else before
    matches = (m for m in (_BEFORE.match(before, w.start()) for w in _TOKEN.finditer(before)
                           if _is_cue(w.group(0))) if m is not None)
    b = next(matches, None)  # the widest; the role may be nearer: "arrested journalist X"
    named = b if b is None or b.group("role") else next(
        (m for m in matches if m.group("role")), None)
    a = _AFTER.match(text, end, min(len(text), end + 160))
    if (b and b.group("byline")) or (a and a.group("byline")) or _PSEUDONYM.match(text, end) or (
            _BY.fullmatch(before) and text[start - len(before) - 1:start - len(before)] in "\n"):
        return -99, 0, None
    if (a and a.group("quoted")) or (b and (b.group("against") or b.group("poss"))) or (
            _QUOTED.match(text, end, end + 160)):
        return -1, 0, None
    left = right = 0
    role = _ROLES.get(named.group("role").lower()) if named else None
    if b and not b.group("quoted"):
        left = 1 if b.group("role") else 2
    if a and (a.group("against") or a.group("active")):
        right = -1
    elif a and a.group("role"):
        right, role = 1, role or _ROLES.get(a.group("role").lower())
    elif a and (a.group("passive") or a.group("noun") or a.group("intransitive")):
        right = 2
    if left + right > 0 and _SUSPECT.match(text, a.end() if a else end, end + 120):
        return -1, 0, None
    return left, right, role


def find_named_victims(report: Report, violations: list[Fact]) -> list[Fact]:
    """The people the report presents as victims, one fact per person (first mention).

    ``violations`` are the report's violation facts: a report that states none presents
    no victims. A Korean report is read by :mod:`victims_ko`."""
    if clause_ko.is_korean(report.text):
        return victims_ko.find_named_victims(report, violations)
    text = report.text
    if not violations:
        return []
    bylines = {_key(b.name) for b in report.bylines}
    people: dict[str, _Person] = {}
    found: list[tuple[int, int, str]] = []
    names, alone = _names(text, _lower_words(text))
    for start, end in names:
        name = text[start:end]
        key = _key(name)
        if (key not in people and 2 <= len(name.split()) <= 4 and key not in bylines
                and not _known(name)):
            people[key] = _Person(name, start, end)
        found.append((start, end, key))
    # later mentions by surname ("Bello", "al-Hathloul", "Hathloul") of the latest named
    surnames: dict[str, list[_Person]] = {}
    for named in people.values():
        last = named.name.split()[-1]
        for form in {last, _PREFIX.sub("", last)}:
            surnames.setdefault(_key(form), []).append(named)
    keys = [(s, e, _key(text[s:e])) for s, e in alone]
    found += [(s, e, key) for s, e, key in keys if key in surnames]
    mentions: list[tuple[_Person, int, int]] = []
    spans: list[tuple[int, int]] = []
    # each list in order of first mention: the latest named before a mention is found by
    # bisection, not by a scan of everyone sharing the surname
    starts = {key: [p.start for p in named] for key, named in surnames.items()}
    for start, end, key in sorted(found):
        person = people.get(key)
        if person is None and key in surnames:
            before = bisect_left(starts[key], start)
            person = surnames[key][before - 1] if before else None
        if person is None or start < person.start:
            continue
        person.mentions += 1
        left, right, role = _score(text, start, end)
        person.role = person.role or role
        mentions.append((person, left, right))
        spans.append((start, end))
    # names listed together share the cue before the first and after the last
    i = 0
    while i < len(mentions):
        j = i
        while j + 1 < len(mentions) and _JOIN.fullmatch(text, spans[j][1], spans[j + 1][0]):
            j += 1
        shared = max(mentions[i][1], 0) + max(mentions[j][2], 0) if j > i else 0
        for person, left, right in mentions[i:j + 1]:
            score = left + right
            person.score += shared if score == 0 and left >= 0 and right >= 0 else score
        i = j + 1
    return [Fact("victim", "person:" + key, p.name,
                 Evidence(report.id, p.start, p.end, text[p.start:p.end]),
                 {"kind": "person", "role": p.role, "mentions": p.mentions})
            for key, p in people.items() if p.score > 0]
