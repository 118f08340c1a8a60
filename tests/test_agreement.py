"""Agreement statistics against hand-worked numbers and Krippendorff's published example."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desec_nlp import InputError, load_codebook
from desec_nlp.agreement import agreement_table, disagreements, load_codings, pairwise_kappa

MINI = Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml"

# Ten sentences coded by A and B (S securitizing, D desecuritizing, N none; W = war_military frame).
#            1  2  3  4  5  6  7  8  9  10
A_MOVES = "S S S S D D D N N N".split()
B_MOVES = "S S S D D D N N N S".split()
A_WAR = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
B_WAR = [1, 1, 0, 0, 0, 0, 0, 0, 0, 1]
#
# Move, Cohen's kappa: agreement on 1-3, 5-6, 8-9 -> p_o = 7/10 = 0.70.
#   Marginals A: S 4, D 3, N 3; B: S 4, D 3, N 3 -> p_e = (4*4 + 3*3 + 3*3) / 100 = 0.34.
#   kappa = (0.70 - 0.34) / (1 - 0.34) = 0.36 / 0.66 = 6/11 = 0.545454...
# Move, Krippendorff's nominal alpha: coincidences (each unit's pair counted both ways):
#   o_SS = 6, o_DD = 4, o_NN = 4, o_SD = o_DS = o_DN = o_ND = o_NS = o_SN = 1; n = 20 values.
#   n_S = 8, n_D = 6, n_N = 6. D_o = 6/20 = 0.3; D_e = (20^2 - (64 + 36 + 36)) / (20 * 19) = 264/380.
#   alpha = 1 - 0.3 / (264/380) = 1 - 2280/5280 = 25/44 = 0.568181...
# war_military, kappa: agreement on 1, 2, 4-9 -> p_o = 0.8; marginals A and B: 1s 3, 0s 7
#   -> p_e = (9 + 49) / 100 = 0.58; kappa = 0.22 / 0.42 = 11/21 = 0.523809...
# war_military, alpha: o_11 = 4, o_00 = 12, o_10 = o_01 = 2; n_1 = 6, n_0 = 14.
#   D_o = 4/20 = 0.2; D_e = 2 * 6 * 14 / 380 = 168/380; alpha = 1 - 0.2 * 380/168 = 23/42 = 0.547619...
# peace_reconciliation is never coded: kappa and alpha are undefined (NaN), raw agreement 1.0.


def write_coder(path: Path, coder: str | None, moves: list[str], war: list[int]) -> Path:
    letter = {"S": "securitizing", "D": "desecuritizing", "N": "none"}
    lines = []
    for i, (move, w) in enumerate(zip(moves, war), 1):
        record = {"id": f"s{i:02d}", "text": f"sentence {i}", "move": letter[move],
                  "frames": ["war_military"] if w else []}
        if coder:
            record["annotator"] = coder
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def codebook():
    return load_codebook(MINI)


@pytest.fixture
def two_coders(tmp_path, codebook):
    files = [write_coder(tmp_path / "A.jsonl", None, A_MOVES, A_WAR), write_coder(tmp_path / "B.jsonl", None,
                                                                                    B_MOVES, B_WAR)]
    return load_codings(files, codebook)


def test_hand_worked_kappa_and_alpha(two_coders, codebook):
    table = agreement_table(two_coders, codebook).set_index("label")
    assert list(table.index) == ["move", "war_military", "peace_reconciliation"]
    assert table.loc["move", "kappa"] == pytest.approx(6 / 11)
    assert table.loc["move", "alpha"] == pytest.approx(25 / 44)
    assert table.loc["move", "agreement"] == pytest.approx(0.7)
    assert table.loc["war_military", "kappa"] == pytest.approx(11 / 21)
    assert table.loc["war_military", "alpha"] == pytest.approx(23 / 42)
    assert table.loc["war_military", "agreement"] == pytest.approx(0.8)
    assert np.isnan(table.loc["peace_reconciliation", "kappa"]) and np.isnan(table.loc["peace_reconciliation", "alpha"])
    assert table.loc["move", "units"] == 10 and table.loc["move", "coders"] == 2


def test_one_file_with_annotator_column_gives_the_same(tmp_path, two_coders, codebook):
    a = write_coder(tmp_path / "a.jsonl", "ann", A_MOVES, A_WAR).read_text()
    b = write_coder(tmp_path / "b.jsonl", "bob", B_MOVES, B_WAR).read_text()
    (tmp_path / "both.jsonl").write_text(a + b)
    codings = load_codings([tmp_path / "both.jsonl"], codebook)
    assert sorted(codings["annotator"].unique()) == ["ann", "bob"]
    merged = agreement_table(codings, codebook).drop(columns="label").fillna(-9).to_numpy()
    assert (merged == agreement_table(two_coders, codebook).drop(columns="label").fillna(-9).to_numpy()).all()


def test_disagreement_list(two_coders, codebook):
    table = disagreements(two_coders, codebook)
    assert list(table["id"]) == ["s03", "s04", "s07", "s10"]
    assert list(table["disagree_on"]) == ["war_military", "move", "move", "move;war_military"]
    row = table.set_index("id").loc["s10"]
    assert (row["move:A"], row["move:B"], row["frames:A"], row["frames:B"]) == \
        ("none", "securitizing", "", "war_military")
    assert row["text"] == "sentence 10"


def test_krippendorff_published_example_with_missing_codes(tmp_path):
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units, nominal alpha 0.743."""
    (tmp_path / "cb.yaml").write_text("name: five values\nmove:\n  labels: [v1, v2, v3, v4, v5]\nframes: [f]\n")
    codebook = load_codebook(tmp_path / "cb.yaml")
    data = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    files = []
    for coder, values in data.items():  # a coder's file simply lacks the units they did not code
        lines = [json.dumps({"id": f"u{i}", "move": f"v{v}"}) for i, v in enumerate(values, 1) if v is not None]
        (tmp_path / f"{coder}.jsonl").write_text("\n".join(lines) + "\n")
        files.append(tmp_path / f"{coder}.jsonl")
    codings = load_codings(files, codebook)
    table = agreement_table(codings, codebook).set_index("label")
    assert round(table.loc["move", "alpha"], 3) == 0.743
    assert table.loc["move", "units"] == 11  # unit 12 has a single code and is not pairable
    pairs = pairwise_kappa(codings, codebook)
    move_pairs = pairs[pairs["label"] == "move"]
    assert len(move_pairs) == 6  # every pair of the four coders
    assert table.loc["move", "kappa"] == pytest.approx(move_pairs["kappa"].mean())  # Light's kappa
    ab = move_pairs.set_index(["coder_a", "coder_b"]).loc[("A", "B")]
    assert ab["units"] == 9


def test_duplicate_coding_is_refused(tmp_path, codebook):
    path = write_coder(tmp_path / "A.jsonl", None, A_MOVES, A_WAR)
    path.write_text(path.read_text() + path.read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match="same sentence twice.*s01"):
        load_codings([path], codebook)


def test_labels_outside_the_codebook_are_refused(tmp_path, codebook):
    (tmp_path / "x.jsonl").write_text(json.dumps({"id": "1", "move": "alarm", "frames": []}) + "\n")
    with pytest.raises(InputError, match="move 'alarm' is not one of"):
        load_codings([tmp_path / "x.jsonl"], codebook)
