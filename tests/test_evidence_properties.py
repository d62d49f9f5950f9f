"""Property tests: every value extracted from any text points at the exact words it quotes.

Texts are built from words that trigger every extractor (agencies, places, acts, dates,
punishments, sources, names) mixed with arbitrary text, punctuation and white space.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate.model import Document
from corroborate.pipeline import process

WORDS = [
    "State Security Department", "bowibu", "MSS", "police", "border guards", "soldiers",
    "arrested", "detained", "executed", "publicly executed", "beaten", "tortured", "shot",
    "repatriated", "sent to", "labour training camp", "kyohwaso", "political prison camp",
    "Hyesan", "Hyeson", "Ryanggang", "Yanggang", "North Hamgyong", "Hamkyung", "Musan",
    "Pyongyang", "China", "Beijing", "in March 2023", "on 30 August", "last month",
    "2019", "a source said", "told Daily NK", "according to RFA", "Kim Young-sun", "nine",
    "people", "traders", "students", "a man and his wife", "was", "by", "for", "the", "of",
    "'s", ",", ".", ";", "\n", "\n\n", "—", "“", "”", "(", ")", "years", "sentenced",
]

texts = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)),
                 min_size=1, max_size=80).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from([None, "2023-09-02", "2019-01-31"]))
def test_every_value_quotes_the_exact_words_at_its_offsets(text, published):
    doc = Document("0" * 64, "", "t.txt", "text/plain", text, published=published)
    try:
        report, _fp, incidents = process(doc)
    except Exception as exc:  # only an input error may stop a document
        from corroborate.errors import InputError

        assert isinstance(exc, InputError), repr(exc)
        return
    for incident in incidents:
        assert incident.report_id == report.id
        for fact in incident.facts:
            ev = fact.evidence
            assert 0 <= ev.start <= ev.end <= len(report.text), fact
            assert report.text[ev.start:ev.end] == ev.quote, fact
            assert fact.value, fact
