"""Inputs the atheris fuzzer (benchmarks/fuzz/) found, rewritten in our own words.

Each ran past libFuzzer's time limit before its fix; the timeout marks make a regression
fail instead of hanging the suite.
"""

from __future__ import annotations

import pytest

from corroborate.model import Document
from corroborate.pipeline import process


@pytest.mark.timeout(60)
def test_a_long_run_of_capitals_after_a_list_of_names_is_not_exponential():
    # victims._AFTER tried every split of "DepartmentRRRR..." into name words: 2^n
    text = ("Police arrested Kim Chol, Park Security Department" + "R" * 80
            + " yesterday in Hyesan, a source said.")
    report, _fp, incidents = process(Document("0" * 64, "", "t.txt", "text/plain", text))
    assert report.text == text
    assert incidents
