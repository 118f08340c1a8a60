"""The learned model: shipped and loadable, reproducible, better than the rules on held-out documents."""
from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.model_selection import GroupShuffleSplit

from desec_nlp import ModelError, Tagger, load_corpus
from desec_nlp.evaluate import score
from desec_nlp.model import META_FILE, SentenceClassifier, load_model
from desec_nlp.tagger import default_model_dir
from desec_nlp.training import featurise, fit_classifier


@pytest.fixture(scope="module")
def corpus(codebook):
    return load_corpus(codebook=codebook)


def test_shipped_model_matches_the_codebook(codebook):
    directory = default_model_dir()
    meta = json.loads((directory / META_FILE).read_text())
    assert meta["codebook"]["fingerprint"] == codebook.fingerprint
    assert (directory / "MODEL_CARD.md").is_file()
    assert sum(p.stat().st_size for p in directory.iterdir()) < 20 * 1024 * 1024
    assert load_model(directory, codebook).frames == codebook.frame_names


def test_model_beats_rules_on_held_out_documents(corpus, codebook):
    rows, rule_moves, rule_frames = featurise(corpus, codebook)
    split = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=7)
    train_idx, test_idx = next(split.split(rows, groups=corpus["doc_id"]))
    model = fit_classifier(rows.iloc[train_idx], corpus.iloc[train_idx], codebook)
    moves, frames, confidences = model.predict(rows.iloc[test_idx])
    gold = corpus.iloc[test_idx]
    learned = score(list(gold["move"]), moves, list(gold["frames"]), frames, codebook)
    rules = score(list(gold["move"]), [rule_moves[i] for i in test_idx], list(gold["frames"]),
                  [rule_frames[i] for i in test_idx], codebook)
    assert learned["move"]["macro_f1"] > rules["move"]["macro_f1"]
    assert learned["frames"]["micro_f1"] > rules["frames"]["micro_f1"]
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_training_is_reproducible(corpus, codebook):
    sample = corpus[corpus["doc_id"].isin(sorted(corpus["doc_id"].unique())[:30])]
    rows, _, _ = featurise(sample, codebook)
    first = fit_classifier(rows, sample, codebook).predict(rows)
    second = fit_classifier(rows, sample, codebook).predict(rows)
    assert first == second


def test_model_from_another_library_version_is_refused(tmp_path, codebook):
    directory = tmp_path / "model"
    shutil.copytree(default_model_dir(), directory)
    meta = json.loads((directory / META_FILE).read_text())
    meta["library_versions"]["scikit-learn"] = "0.1.0"
    (directory / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="scikit-learn 0.1.0"):
        Tagger(codebook, model=directory)


def test_missing_model_directory_says_what_to_do(tmp_path, codebook):
    with pytest.raises(ModelError, match="desec train"):
        Tagger(codebook, model=tmp_path / "nothing")


def test_move_decision_weighs_calibrated_probabilities_by_the_prior():
    """A close call goes to the rarer move; the confidence stays the calibrated probability."""
    model = SentenceClassifier(["securitizing", "desecuritizing", "none"], [])
    model.move_model_ = SimpleNamespace(classes_=np.array(["desecuritizing", "none", "securitizing"]))
    prior = np.array([0.15, 0.7, 0.15])
    proba = np.array([[0.3, 0.4, 0.3], [0.1, 0.8, 0.1]])
    model.move_weights_ = prior ** -0.25
    assert model.decide_moves(proba) == (["desecuritizing", "none"], [0.3, 0.8])
    model.move_weights_ = prior ** 0.0
    assert model.decide_moves(proba)[0] == ["none", "none"]
