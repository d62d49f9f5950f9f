from __future__ import annotations

from corroborate.capture import capture_bytes
from corroborate.pipeline import process
from corroborate.stories import cluster, compare_versions, fingerprint, overlap

from .conftest import sample_files


def _fingerprints():
    out = {}
    for path in sample_files():
        _, docs, _ = capture_bytes(str(path), path.read_bytes())
        for doc in docs:
            report, fp, _ = process(doc)
            out[report.id] = (path.name, report, fp)
    return out


def test_versions_of_one_story_group_and_the_fullest_is_canonical():
    prints = _fingerprints()
    stories = cluster(fp for _, _, fp in prints.values())
    by_file = {}
    for story in stories:
        for m in story.members:
            by_file[prints[m.report_id][0]] = (story, m)
    web_story, web = by_file["seed-story-web-page.txt"]
    rec_story, rec = by_file["seed-story-record.txt"]
    assert web_story.id == rec_story.id and web.canonical and not rec.canonical
    assert rec.containment > 0.95 and rec.jaccard < 0.8
    trial, orig = by_file["hyesan-public-trial.html"]
    repost_story, repost = by_file["hyesan-public-trial-repost.html"]
    assert trial.id == repost_story.id
    assert orig.canonical and not repost.canonical
    adds, lacks = compare_versions(prints[orig.report_id][1].text,
                                   prints[repost.report_id][1].text)
    assert adds == ("This article first appeared in Daily NK.",)
    assert len(lacks) >= 1  # the original's last paragraph
    # the six unrelated-story inputs make four stories: seed, trial, and the records
    multi = [s for s in stories if len(s.members) > 1]
    assert len(multi) == 2
    assert len(stories) == len(prints) - 2


def test_story_ids_do_not_depend_on_order():
    prints = [fp for _, _, fp in _fingerprints().values()]
    assert [s.id for s in cluster(prints)] == [s.id for s in cluster(reversed(prints))]


def test_unrelated_reports_stay_apart_and_short_teasers_join_nothing():
    a = fingerprint("r-a", "Border guards shot a man crossing the river near Musan at night "
                    "while soldiers watched from the bank and residents were told to stay in.")
    b = fingerprint("r-b", "Students in South Pyongan were sent to build apartments for two "
                    "months and families who refused had to pay fines to school officials.")
    teaser = fingerprint("r-c", "Border guards shot a man crossing the river")
    assert len(cluster([a, b, teaser])) == 3
    assert overlap(a.shingles, b.shingles)[0] == 0.0


def test_compare_versions_names_added_and_missing_paragraphs():
    adds, lacks = compare_versions("One para.\n\nTwo para.\n\nThree para.",
                                   "Credit line.\n\nOne para.\n\nTwo para.")
    assert adds == ("Credit line.",)
    assert lacks == ("Three para.",)


BODY = ("Border guards in Musan county fired on a man crossing the river at night. "
        "Soldiers were ordered to shoot anyone approaching the bank without a permit. "
        "Residents were told at a meeting that the order came from the capital. "
        "A source said the man's family was later questioned by security agents. "
        "Traders in the city said the market was closed for three days afterwards.")


def test_the_canonical_version_is_the_fullest_corroborated_one():
    original = fingerprint("r-1", BODY)
    repost = fingerprint("r-2", BODY)
    credited = fingerprint("r-3", "This report first ran on another site and is reprinted "
                           "here in full with the kind permission of its editors, who hold "
                           "the copyright. " + BODY.rsplit(". ", 1)[0] + ".")
    assert len(credited.shingles) > len(original.shingles)  # longer, but not fuller
    truncated = fingerprint("r-4", BODY.split(". ")[0] + ". " + BODY.split(". ")[1] + ".")
    [story] = cluster([credited, truncated, original, repost])
    assert story.canonical_report_id == "r-1"  # not the repost with a credit line added
    # with two versions, one holding the other, the longer one is canonical
    [pair] = cluster([truncated, credited])
    assert pair.canonical_report_id == "r-3"
