"""The batch predictor gives scikit-learn's feature matrix and the model's predictions, exactly."""
from __future__ import annotations

import scipy.sparse as sp

from desec_nlp.batch_predict import BatchPredictor
from desec_nlp.features import FEATURE_COLUMNS, feature_rows


def rows_for(tagger, codebook):
    texts = [e.text for e in codebook.examples] + [
        "Hola.", "¡¡¡", "Los cárteles, los cárteles y LOS CÁRTELES amenazan la seguridad nacional.",
        "We will not fight violence with violence; we will attend to its causes.", "x " * 300]
    langs = [e.lang for e in codebook.examples] + ["es", "es", "es", "en", "en"]
    tags = [tag for tagged in tagger.rule_tags(texts, langs, split=False) for tag in tagged]
    return feature_rows(tags, texts, langs)


def test_same_matrix_and_predictions_as_the_model(model_tagger, codebook):
    rows = rows_for(model_tagger, codebook)
    model = model_tagger.model
    predictor = BatchPredictor(model)
    assert predictor.shares_features  # the shipped model fits both feature steps on the same data
    expected = sp.csr_matrix(model.move_model_.named_steps["features"].transform(rows[FEATURE_COLUMNS]))
    for _ in range(2):  # the second pass reads the word cache
        got = predictor._move.transform(rows)
        assert got.shape == expected.shape and (got != expected).nnz == 0
        expected.sort_indices()
        for part in ("indptr", "indices", "data"):  # the same floats, bit for bit, in the same order
            assert getattr(got, part).tobytes() == getattr(expected, part).tobytes()
        assert predictor.predict(rows) == model.predict(rows)
    assert predictor.predict(rows.iloc[:0]) == ([], [], [])
