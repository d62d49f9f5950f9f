"""Places: where a report says things happened, normalised to ISO codes.

Countries, regions (ISO 3166-2) and places from the gazetteer, each a fact quoting its
words; the incident's country is the one most places named belong to.

A capital standing for its government ("Beijing said", "Pyongyang's attempt") names the
country but no region or city (``kind: "metonym"``). A capitalised word one typing slip
away from a place of the report's country ("Hoeryoung") names that place, marked
``fuzzy`` with the gazetteer's ``canonical`` spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from . import vocab
from .model import Fact, Report, fact_at

__all__ = ["as_country", "find_places", "headline_countries", "main_country"]

_POSSESSIVE = re.compile(r"['’‘]s\b")
_BASED = re.compile(r"^[\s,]*(?:[A-Z][\w.]*,?\s+)*?[\w.]*-based\b|^-based\b")


def find_places(report: Report, found: dict[str, list[vocab.Hit]] | None = None) -> list[Fact]:
    """Countries, regions and places, normalised to ISO codes with coordinates.

    A name that only says where an organisation is based ("Osaka-based") is not a place
    of the incident and is skipped.
    """
    names = ("places", "regions", "countries", "demonyms")
    found = found or vocab.find_all(report.text, names)
    seats = {m.start: m for m in _seats(report.text) if m.metonym}
    hits = [(name, h) for name in names for h in found[name]]
    hits.sort(key=lambda nh: (nh[1].start, -(nh[1].end - nh[1].start)))
    facts = []
    last_end = -1
    for kind, hit in hits:
        if hit.start < last_end:
            continue
        last_end = hit.end
        if _BASED.match(report.text[hit.end:hit.end + 40]):
            continue
        seat = seats.get(hit.start)
        if seat is not None and seat.end >= hit.end:
            continue  # "Beijing said": the government, said below
        attrs = hit.term.attrs
        country: str | None
        region: str | None
        if kind in ("countries", "demonyms"):
            country, region = hit.term.id, None
        elif kind == "regions":
            country, region = attrs.get("country"), hit.term.id
        else:
            country, region = attrs.get("country"), attrs.get("region")
        end = hit.end
        suffix = re.match(r"\s+[Pp]rovince\b", report.text[end:end + 10])
        if suffix and kind == "regions":
            end += suffix.end()
        value = region or country or hit.term.id
        if kind == "places":
            value = f"{region or country}:{hit.term.label}"
        if kind == "countries" and _POSSESSIVE.match(report.text, end):
            kind = "demonyms"  # "Egypt's president" says what "Egyptian president" says
        facts.append(fact_at("place", value, hit.term.label, report, hit.start, end,
                           kind={"countries": "country", "regions": "region",
                                 "demonyms": "demonym"}.get(
                               kind, attrs.get("kind", "place")),
                           country=country, region=region,
                           lat=attrs.get("lat"), lon=attrs.get("lon"),
                           ambiguous=bool(attrs.get("ambiguous")) or None))
    facts += [_metonym_fact(report, seat) for seat in seats.values()]
    facts += _fuzzy_places(report, facts)
    return sorted(facts, key=lambda f: f.evidence.start)


# how much one mention says about where an incident happened, by kind of place named
_PLACE_WEIGHT = {"country": 1.0, "region": 1.5, "demonym": 0.5, "metonym": 0.5}
_AMBIGUOUS = 0.3
_HEADLINE = 1.5  # the headline counts like one more region mention


HEADLINE_VOCABULARIES = ("places", "regions", "countries", "demonyms")


def headline_countries(title: str | None,
                       found: dict[str, list[vocab.Hit]] | None = None) -> set[str]:
    """Countries the headline names, directly or through a region, place or demonym
    (``found``: the title's hits of :data:`HEADLINE_VOCABULARIES`, if already looked up)."""
    if not title:
        return set()
    found = found or vocab.find_all(title, HEADLINE_VOCABULARIES)
    codes = {h.term.id for h in found["countries"] + found["demonyms"]}
    codes |= {str(h.term.attrs.get("country")) for h in found["regions"] + found["places"]
              if h.term.attrs.get("country")}
    return codes


def main_country(places: list[Fact]) -> Fact | None:
    """The country most of the places named belong to; earlier mentions break ties."""
    scores: dict[str, float] = {}
    first: dict[str, Fact] = {}
    for fact in sorted(places, key=lambda f: f.evidence.start):
        code = fact.attrs.get("country")
        if not code:
            continue
        weight = _PLACE_WEIGHT.get(str(fact.attrs.get("kind")), 1.5)
        if fact.attrs.get("ambiguous"):  # "Niger", "Georgia", "Jordan": often not the country
            weight *= _AMBIGUOUS
        scores[code] = scores.get(code, 0.0) + weight * int(fact.attrs.get("mentions", 1))
        if fact.attrs.get("headline") and code not in first:
            scores[code] += _HEADLINE  # the headline says where the story is, once
        first.setdefault(code, fact)
    if not scores:
        return None
    code = max(scores, key=lambda c: (scores[c], -first[c].evidence.start))
    return as_country(first[code], code)


def as_country(fact: Fact, code: str) -> Fact:
    """A place fact read as the country ``code`` it names (its words stay the evidence)."""
    term = vocab.load("countries").terms.get(code)
    return replace(fact, value=code, label=term.label if term else code)


# --- capitals that stand for their governments ------------------------------------------

@dataclass(frozen=True)
class _Seat:
    """A seat of government named in a text, and whether it stands for the government."""

    start: int
    end: int
    country: str
    metonym: bool


# what a government does in news: speak, decide, press, refuse ("Beijing said", "Moscow
# condemned", "Pyongyang has long denied", "Seoul is expected to"); a city can do none
_ACTS = (
    r"said|says|say|told|tells|stated|states|respond(?:s|ed)?|reacted|retorted|replied"
    r"|condemn(?:s|ed)?|denounc(?:es|ed)|den(?:y|ies|ied)|accus(?:es|ed)|warn(?:s|ed)?"
    r"|reject(?:s|ed)?|insist(?:s|ed)?|claim(?:s|ed)?|announc(?:es|ed)|agree(?:s|d)?"
    r"|refus(?:es|ed)|demand(?:s|ed)?|urg(?:es|ed)|call(?:s|ed)?\s+(?:on|for)|vow(?:s|ed)?"
    r"|threaten(?:s|ed)?|protest(?:s|ed)?|criti(?:ci[sz](?:es|ed))|dismiss(?:es|ed)?"
    r"|maintain(?:s|ed)?|argu(?:es|ed)|blam(?:es|ed)|sanction(?:s|ed)?|impos(?:es|ed)"
    r"|ban(?:s|ned)|order(?:s|ed)|pressur(?:es|ed)|retaliat(?:es|ed)|sought|seeks?"
    r"|hop(?:es|ed)|wants?|wanted|fear(?:s|ed)?|view(?:s|ed)|sees|saw|consider(?:s|ed)?"
    r"|regard(?:s|ed)?|expel(?:s|led)?|summon(?:s|ed)?|recall(?:s|ed)?|negotiat(?:es|ed)"
    r"|pledg(?:es|ed)|promis(?:es|ed)|slam(?:s|med)?|lash(?:es|ed)\s+out|hit\s+back"
    r"|object(?:s|ed)|oppos(?:es|ed)|welcom(?:es|ed)|declar(?:es|ed)|confirm(?:s|ed)?"
    r"|acknowledg(?:es|ed)|admit(?:s|ted)?|rebuff(?:s|ed)?|defend(?:s|ed)?|justif(?:ies|ied)"
    r"|describ(?:es|ed)|label(?:s|l?ed)|brand(?:s|ed)|decid(?:es|ed)|approv(?:es|ed)"
    r"|tighten(?:s|ed)|step(?:s|ped)\s+up|crack(?:s|ed)\s+down|intends?|plans?|planned"
    r"|tr(?:ies|ied)|attempt(?:s|ed)|(?:is|was|has\s+been)\s+(?:expected|likely|unlikely"
    r"|keen|determined|reluctant|willing|unwilling|trying|seeking|pushing|pressing)"
    r"|can|could|will|would|must|should|may|might|cannot|won[’']t|doesn[’']t|didn[’']t"
    r"|calls?|called|believes?|believed|thinks?|thought|knows?|knew|cancell?(?:s|ed)"
    r"|suspend(?:s|ed)|block(?:s|ed)|insisted|sees?\s+(?:it|them|this|that)"
    # "Beijing has come under fire", "Pyongyang had long sought": not "Beijing has 21
    # million people"
    r"|(?:has|had|have)\s+(?!(?:a|an|the|some|many|more|about|over|nearly|one|two|been"
    r"|no|its|long|also|\d)\b)[a-z]+")
_AUXILIARY = (r"(?:has|have|had|did|does|also|still|then|now|again|not|never|long|already"
              r"|previously|\w+ly)")
_ACTING = re.compile(rf"\s+(?:{_AUXILIARY}\s+){{0,3}}(?:{_ACTS})\b")
# "Beijing promptly canceled": a past tense after the name, unless the name qualifies a
# noun ("a Beijing court ruled")
_DID = re.compile(rf"\s+(?:{_AUXILIARY}\s+){{0,2}}[a-z]+ed\b")
_DETERMINER = re.compile(r"\b(?:a|an|the|this|that|its|their|his|her)\s+$", re.IGNORECASE)
# a possessive says what the government does or has ("Pyongyang's attempt"), unless the
# next words name a part of the city ("Beijing's Haidian district", "Pyongyang's markets")
_POSSESSIVE_WORDS = re.compile(r"['’]s((?:\s+[\w-]+){1,3})")
_CITY_PARTS = frozenset("""
    street streets district districts suburb suburbs outskirts airport airports market markets
    resident residents population people hospital hospitals prison prisons jail jails
    detention centre center centres centers downtown neighbourhood neighbourhoods
    neighborhood neighborhoods square squares university universities school schools police
    court courts subway metro road roads hotel hotels mayor city municipal skyline park parks
    apartment apartments home homes house houses building buildings campus station stations
    train trains west east north south western eastern northern southern central old traffic
    citizens inhabitants air pollution smog river port harbour harbor bridge bridges
    restaurant restaurants shop shops office offices compound compounds venue venues stadium
    """.split())
# "-backed", "-appointed", "pro-", "anti-": the government
_COMPOUND = re.compile(r"-(?:backed|appointed|controlled|led|aligned|funded|friendly"
                       r"|sponsored|installed|imposed|run|allied|leaning|brokered)\b")
_PRO = re.compile(r"\b(?:pro|anti)-$", re.IGNORECASE)
# a party to talks or the source or object of pressure ("ties with Beijing", "talks between
# Pyongyang and Seoul", "urged Tokyo to", "condemned by Washington")
_PARTY = re.compile(
    r"\b(?:(?:talks|relations|ties|tensions|dialogue|negotiations|summit|rift|dispute"
    r"|rapprochement|agreement|deal|cooperation|rivalry|standoff|diplomacy|feud|row|spat"
    r"|détente|detente|thaw|exchanges?|hotline|alliance|contacts?|contest|confrontation"
    r"|engagement)\s+(?:\w+\s+)?(?:between|with)"
    r"|(?:critics?|critical|reliant|reliance|dependent|dependence|loyal|loyalty|allegiance"
    r"|opposition|defiance|hostility|hostile|friendly|close|closer|ally|allies|fight"
    r"|campaign|struggle|stand|pressure|leverage|influence)\s+(?:\w+\s+)?"
    r"(?:of|on|to|against|with|toward|towards|over)"
    r"|(?:pressure|criticism|protests?|sanctions|demands?|requests?|appeals?|messages?"
    r"|envoys?|officials?|authorities|leaders?|leadership|regime|government|response"
    r"|support|backing|approval|orders?|instructions?|warnings?|statement|condemnation"
    r"|objections?|displeasure|anger|ire|retaliation)\s+(?:from|on|of|against|by)"
    r"|urg(?:e|es|ed|ing)|call(?:s|ed|ing)?\s+on|press(?:es|ed|ing)?|accus(?:e|es|ed|ing)"
    r"|critici[sz](?:e|es|ed|ing)|condemn(?:s|ed|ing)?|ask(?:s|ed|ing)?|allow(?:s|ed|ing)?"
    r"|blam(?:e|es|ed|ing)|pressur(?:e|es|ed|ing)|lobb(?:y|ies|ied|ying)"
    r"|persuad(?:e|es|ed|ing)|\w+(?:ed|en)\s+by)\s+(?:the\s+)?$", re.IGNORECASE)
# "arrested in Pyongyang", "a market in Beijing", "flew to Seoul": the city
_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|around|across|inside|into|from|to"
                       r"|toward|towards|through|via|visit(?:ed|ing|s)?|leave|left|reach"
                       r"|reached)\s+(?:the\s+)?(?:capital\s+(?:city\s+)?(?:of\s+)?)?$",
                       re.IGNORECASE)
# "Denzel Washington said": a name, not a government
_NAME_BEFORE = re.compile(r"\b([A-Z][\w'’-]*)\s+$")
_SENTENCE_WORDS = frozenset("""
    The But And Yet So Still Meanwhile However While When Although Though If As Since After
    Before Now Then Today Later Instead Also Even Both Why How What Where Whether Neither
    Nor Or Last This That Because Until Unless Once Recently Previously Earlier Initially
    """.split())
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")
_COORDINATED = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|&)\s+)$")


@cache
def _seat_index() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    countries: dict[str, str] = {}
    for entry in vocab.read_data("places").get("seats") or []:
        for name in entry.get("names") or []:
            countries[str(name)] = str(entry["country"])
    if not countries:
        return None, countries
    names = sorted(countries, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    pattern = rf"(?<![\w’'])(?:{alternatives})(?![\w])"
    return re.compile(pattern), countries


def _seats(text: str) -> list[_Seat]:
    """Seats of government named in ``text``; ``metonym`` where one stands for its
    government. Coordinated seats ("Seoul and Washington agreed") share the reading."""
    pattern, countries = _seat_index()
    if pattern is None:
        return []
    found = list(pattern.finditer(text))
    if not found:
        return []
    readings: list[bool | None] = []  # True: government; False: surely a place; None: open
    for m in found:
        before = text[max(0, m.start() - 80):m.start()]
        after = text[m.end():m.end() + 80]
        name = _NAME_BEFORE.search(before)
        part = _NEXT_WORD.match(after)
        if ((name and name.group(1) not in _SENTENCE_WORDS and name.group(1) != m.group(0))
                or (part and (part.group(1)[0].isupper()
                              or part.group(1).lower() in _CITY_PARTS))):
            # "Denzel Washington", "the Washington Post", "Beijing residents", "the Manila
            # court": a name, or the city's own
            readings.append(False)
        elif _PARTY.search(before) or _PRO.search(before) or _COMPOUND.match(after):
            readings.append(True)
        elif _LOCATIVE.search(before):
            readings.append(False)
        elif _ACTING.match(after) or (_DID.match(after) and not _DETERMINER.search(before)):
            readings.append(True)
        elif (words := _POSSESSIVE_WORDS.match(after)) is not None:
            following = words.group(1).split()
            readings.append(following[0][:1].islower() and not any(
                w.lower().strip("-") in _CITY_PARTS for w in following))
        else:
            readings.append(None)
    # a government in a list of governments makes the others governments too
    for order in (range(len(found) - 1), range(len(found) - 2, -1, -1)):
        for i in order:
            a, b = found[i], found[i + 1]
            if not _COORDINATED.fullmatch(text[a.end():b.start()] or "x"):
                continue
            if readings[i] is True and readings[i + 1] is None:
                readings[i + 1] = True
            elif readings[i + 1] is True and readings[i] is None:
                readings[i] = True
    return [_Seat(m.start(), m.end(), countries[m.group(0)], reading is True)
            for m, reading in zip(found, readings, strict=True)]


def _metonym_fact(report: Report, seat: _Seat) -> Fact:
    term = vocab.load("countries").terms.get(seat.country)
    label = term.label if term else seat.country
    # a value of its own: "Beijing said" and "China" are counted apart (see main_country)
    return fact_at("place", f"{seat.country}:government", label, report, seat.start,
                   seat.end, kind="metonym", country=seat.country, region=None,
                   seat=report.text[seat.start:seat.end])


# --- misspelt places of the report's country --------------------------------------------

_FUZZY_MIN = 6  # letters a word needs before a slip in it is read as a place
# one slip only, however long the word: 31 of the 70 North Korean names of nine letters or
# more lie within two slips of another North Korean place (Pyongyang, Pyonggang, Pyongsong)
_CAPITALISED = re.compile(r"(?<![\w’'-])[A-Z][^\W\d_]*(?:['’][^\W\d_]+)?(?![\w’'-])")
# "Reason", "Chosen", "Single" begin sentences and lie one slip from Rason, Chosan, Singye:
# a word capitalised only because it begins a sentence (or a line) is never read as a place
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…]|\n)[\s\"“”‘’'(\[—–-]*$")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Mx|Prof|Sir|Dame|Lord|Lady)\.?\s+$")
_SPEAKS = re.compile(r"\s*,?\s+(?:said|says|told|added|asked|explained|wrote|who)\b")
_PLACE_WORD = re.compile(r"\s+(?:City|County|Province|District|State|Region|Town"
                         r"|Village|Prefecture|Municipality|Kun|Gun|Si)\b")
# capitalised words of the calendar: never a place, whatever the gazetteer holds
_CALENDAR = frozenset("""
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december
    """.split())


@dataclass(frozen=True)
class _Name:
    key: str
    term: vocab.Term
    kind: str  # "regions" or "places"


_SEEN_MOST = 1 << 16


class _FuzzyIndex:
    """Single-word names of one country's places and regions, found one slip away
    through their deletion variants (symmetric delete): a word is compared only with the
    names that share a variant with it, never with every name."""

    def __init__(self, names: list[_Name]) -> None:
        self.names = {n.key: n for n in names}
        self.variants: dict[str, set[str]] = {}
        for key in self.names:
            for variant in _deletions(key):
                self.variants.setdefault(variant, set()).add(key)
        # the same capitalised words come back report after report
        self._seen: dict[str, _Name | None] = {}

    def lookup(self, word: str) -> _Name | None:
        """The one place ``word`` is a slip away from (None if none, or several: "Sunchon",
        "Sukchon" and "Sonchon" are three places)."""
        try:
            return self._seen[word]
        except KeyError:  # (one read: another thread may clear the memo at any time)
            pass
        found = self._lookup(word)
        if len(self._seen) >= _SEEN_MOST:
            self._seen.clear()
        self._seen[word] = found
        return found

    def _lookup(self, word: str) -> _Name | None:
        if word in self.names:
            return None
        keys = sorted({k for v in _deletions(word) for k in self.variants.get(v, ())
                       if _damerau(word, k) == 1 and not _inflected(word, k)})
        if len({self.names[k].term.id for k in keys}) != 1:
            return None
        return self.names[keys[0]]


def _deletions(word: str) -> set[str]:
    """The word and every word one letter shorter."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def _damerau(a: str, b: str, limit: int = 1) -> int:
    """Optimal string alignment distance (an adjacent swap is one slip), capped at
    ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def _inflected(word: str, key: str) -> bool:
    """A name with an ending ("Kashmiri", "Punjabi", "Oaxacan") or a name cut short
    ("Indian" for "Indiana") is a word of its own; a doubled last letter ("Musann") is a
    slip."""
    if word.startswith(key):
        return not (len(word) == len(key) + 1 and word[-1] == key[-1])
    return key.startswith(word)


@vocab.per_overlay()
def _fuzzy_index(country: str) -> _FuzzyIndex:
    names = []
    for kind in ("regions", "places"):
        for term in vocab.load(kind):
            if term.attrs.get("country") != country or term.attrs.get("ambiguous"):
                continue
            entry_names = [term.label, *(_aliases(kind, term.id))]
            for name in entry_names:
                key = vocab.normalise(name)
                if len(key) >= _FUZZY_MIN - 1 and key.isalpha():
                    names.append(_Name(key, term, kind))
    return _FuzzyIndex(names)


@vocab.per_overlay()
def _all_aliases() -> dict[tuple[str, str], tuple[str, ...]]:
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    data = vocab.read_data("places")
    for kind in ("regions", "places"):
        for entry in data[kind]:
            term_id = (str(entry["code"]) if kind == "regions"
                       else f"{entry.get('country') or 'XX'}:{entry.get('region') or ''}:"
                            f"{entry['name']}")
            out[(kind, term_id)] = tuple(str(a) for a in entry.get("aliases") or [])
    return out


def _aliases(kind: str, term_id: str) -> tuple[str, ...]:
    return _all_aliases().get((kind, term_id), ())


@vocab.per_overlay()
def _known_words() -> frozenset[str]:
    """Every word of every vocabulary's names, and the seats of government: words the
    project already knows the meaning of, so never a misspelt place."""
    words: set[str] = set(_CALENDAR)
    for data in ("violations", "organisations", "outlets", "groups", "punishments",
                 "places"):
        for phrase in _phrases(vocab.read_data(data)):
            words.update(vocab.normalise(phrase).split())
    for seat in _seat_index()[1]:
        words.update(vocab.normalise(seat).split())
    return frozenset(words)


def _phrases(data: object) -> Iterator[str]:
    """The names and aliases anywhere in a vocabulary's data (not its regex patterns)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("label", "name", "aliases", "demonyms", "contextual_aliases", "names"):
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from (str(v) for v in value if isinstance(v, str))
            elif isinstance(value, (dict, list)):
                yield from _phrases(value)
    elif isinstance(data, list):
        for item in data:
            yield from _phrases(item)


def _fuzzy_places(report: Report, facts: list[Fact]) -> list[Fact]:
    """Capitalised words one slip from a place of the report's country ("Hoeryoung" for
    Hoeryong), as facts marked ``fuzzy`` with the ``canonical`` spelling."""
    country = main_country(facts)
    if country is None:
        return []
    index = _fuzzy_index(country.value)
    if not index.names:
        return []
    text = report.text
    taken = sorted((f.evidence.start, f.evidence.end) for f in facts)
    lower: set[str] | None = None
    out = []
    for m in _CAPITALISED.finditer(text):
        raw = m.group(0)
        if len(raw) < _FUZZY_MIN:
            continue
        word = raw.lower() if raw.isascii() and raw.isalpha() else vocab.normalise(raw)
        if len(word) < _FUZZY_MIN or not word.isalpha():
            continue
        name = index.lookup(word)
        if name is None or word in _known_words():
            continue
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        if lower is None:  # a word the report also writes in lower case is a common one
            lower = {w.lower() for w in re.findall(r"\b[a-z][a-z]+\b", text)}
        before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 40]
        neighbour = _NAME_BEFORE.search(before)
        if (word in lower or _SENTENCE_START.search(before) or _HONORIFIC.search(before)
                or _SPEAKS.match(after)
                or (neighbour and neighbour.group(1) not in _SENTENCE_WORDS)
                or (re.match(r"\s[A-Z]", after) and not _PLACE_WORD.match(after))):
            continue  # a common word, or a person's or an organisation's name
        out.append(_fuzzy_fact(report, m.start(), m.end(), name))
    return out


def _fuzzy_fact(report: Report, start: int, end: int, name: _Name) -> Fact:
    attrs = name.term.attrs
    country = attrs.get("country")
    region: str | None = name.term.id if name.kind == "regions" else attrs.get("region")
    value = region if name.kind == "regions" else f"{region or country}:{name.term.label}"
    kind = "region" if name.kind == "regions" else attrs.get("kind", "place")
    return fact_at("place", str(value), name.term.label, report, start, end, kind=kind,
                   country=country, region=region, lat=attrs.get("lat"),
                   lon=attrs.get("lon"), fuzzy=True, canonical=name.term.label)
