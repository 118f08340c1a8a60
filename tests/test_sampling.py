"""Choosing sentences to code: least confident, seeded random, balanced across strata."""
from __future__ import annotations

import pandas as pd
import pytest

from desec_nlp import InputError
from desec_nlp.sampling import balanced_quotas, sample_records, stratum_keys


@pytest.fixture
def tagged() -> pd.DataFrame:
    """12 tagged sentences: 2018 has 5 securitizing and 1 desecuritizing, 2019 has 3 securitizing and 3 none."""
    rows = []
    plan = [("2018-03-01", "securitizing")] * 5 + [("2018-07-09", "desecuritizing")] + \
        [("2019-01-15", "securitizing")] * 3 + [("2019-11-30", "none")] * 3
    confidences = [0.9, 0.55, 0.7, 0.99, 0.61, 0.8, 0.52, 0.95, 0.6, 0.75, 0.85, 0.58]
    for i, ((date, move), conf) in enumerate(zip(plan, confidences)):
        rows.append({"id": f"d:{i}", "text": f"sentence {i}", "date": date, "move": move, "confidence": conf})
    return pd.DataFrame(rows)


def test_uncertainty_takes_the_least_confident_first(tagged):
    picked = sample_records(tagged, 4, "uncertainty")
    assert list(picked["confidence"]) == [0.52, 0.55, 0.58, 0.6]
    assert list(picked["id"]) == ["d:6", "d:1", "d:11", "d:8"]
    assert list(sample_records(tagged, 2, "uncertainty", exclude_ids=["d:6"])["id"]) == ["d:1", "d:11"]


def test_random_is_seeded_and_without_repeats(tagged):
    first = sample_records(tagged, 5, "random", seed=1)
    assert list(first["id"]) == list(sample_records(tagged, 5, "random", seed=1)["id"])
    assert first["id"].is_unique and len(first) == 5
    assert set(first["id"]) != set(sample_records(tagged, 5, "random", seed=2)["id"])
    assert len(sample_records(tagged, 50, "random")) == 12  # never more than there are


def test_balanced_quotas_hand_the_small_strata_share_on():
    sizes = {"2018|securitizing": 5, "2018|desecuritizing": 1, "2019|securitizing": 3, "2019|none": 3}
    # Round robin in sorted order: 1 each (4), the 1-sentence stratum is full, 1 more each to the
    # other three (7), then the first in order gets the 8th.
    assert balanced_quotas(sizes, 8) == {"2018|desecuritizing": 1, "2018|securitizing": 3, "2019|none": 2,
                                         "2019|securitizing": 2}
    assert balanced_quotas(sizes, 100) == sizes


def test_stratified_sample_by_year_and_move(tagged):
    picked = sample_records(tagged, 8, "stratified", seed=5)
    counts = stratum_keys(picked, ["year", "move"]).value_counts().to_dict()
    assert counts == {"2018|securitizing": 3, "2018|desecuritizing": 1, "2019|none": 2, "2019|securitizing": 2}
    assert list(picked.index) == sorted(picked.index)  # input order kept
    by_genre = tagged.assign(genre=["speech", "op_ed"] * 6)
    assert sample_records(by_genre, 4, "stratified", by=["genre"])["genre"].value_counts().to_dict() == \
        {"speech": 2, "op_ed": 2}


def test_stratum_keys_mark_missing_dates(tagged):
    tagged.loc[0, "date"] = None
    keys = stratum_keys(tagged, ["decade", "move"])
    assert keys[0] == "unknown|securitizing" and keys[11] == "2010|none"


def test_errors_name_what_is_missing(tagged):
    with pytest.raises(InputError, match="needs a 'confidence'"):
        sample_records(tagged.drop(columns="confidence"), 3, "uncertainty")
    with pytest.raises(InputError, match="cannot stratify by 'party'"):
        sample_records(tagged, 3, "stratified", by=["party"])
    with pytest.raises(InputError, match="unknown sampling strategy"):
        sample_records(tagged, 3, "newest")
