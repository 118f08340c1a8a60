"""Inter-coder agreement on the move and on each frame, and the list of disagreements to adjudicate.

Per label: Cohen's kappa (scikit-learn) for two coders, or Light's kappa (the mean
of the pairwise Cohen's kappas) for more; Krippendorff's alpha (package
``krippendorff``, nominal level), which takes any number of coders and missing
codes. The move is one nominal variable; each frame is a binary variable (coded
present or absent). Every statistic is computed on the sentences that at least
two coders coded.
"""
from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from .codebook import Codebook
from .corpus import load_annotations
from .errors import InputError

CODING_COLUMNS = ["id", "annotator", "move", "frames"]


def load_codings(paths: list[str | Path], codebook: Codebook) -> pd.DataFrame:
    """Read coders' annotation files (JSONL/CSV) into one long table: id, annotator, move, frames (+ text).

    Either one file per coder (the file name is the coder when it has no ``annotator``
    column) or one file with an ``annotator`` column. Labels are checked against the codebook.
    """
    tables = []
    for path in paths:
        table = load_annotations(path, codebook)
        if "id" not in table:
            raise InputError(f"annotations need an 'id' column; found {list(table.columns)}", str(path))
        if "annotator" not in table:
            table["annotator"] = Path(path).stem
        table["annotator"] = [str(a) if pd.notna(a) and str(a) != "" else Path(path).stem
                              for a in table["annotator"]]
        tables.append(table[CODING_COLUMNS + (["text"] if "text" in table else [])])
    codings = pd.concat(tables, ignore_index=True)
    codings["id"] = codings["id"].astype(str)
    duplicated = codings[codings.duplicated(["id", "annotator"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise InputError(f"{len(duplicated)} rows code the same sentence twice by the same coder "
                         f"(first: id '{first['id']}', annotator '{first['annotator']}'); keep one per coder")
    return codings


def label_matrix(codings: pd.DataFrame, codebook: Codebook) -> dict[str, pd.DataFrame]:
    """One id × coder table per variable: ``move`` (move names) and each frame (0/1); missing codes are NaN.

    Sentences and coders keep the order in which they first appear.
    """
    variables = {"move": codings["move"]}
    for frame in codebook.frame_names:
        variables[frame] = codings["frames"].map(lambda labels, f=frame: int(f in labels))
    ids, coders = codings["id"].unique(), codings["annotator"].unique()
    return {name: codings.assign(value=values).pivot(index="id", columns="annotator", values="value")
            .reindex(index=ids, columns=coders) for name, values in variables.items()}


def agreement_table(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Agreement per label: units coded by 2+ coders, coders, percent agreement, kappa and alpha.

    ``kappa`` is Cohen's kappa with two coders and Light's kappa (mean pairwise Cohen's
    kappa) with more; ``alpha`` is Krippendorff's nominal alpha. Both are NaN when a label
    never varies (agreement is then undefined, not perfect).
    """
    rows = []
    for name, matrix in label_matrix(codings, codebook).items():
        domain = codebook.move_names if name == "move" else [0, 1]
        shared = matrix[matrix.notna().sum(axis=1) >= 2]
        pairs = _pair_kappas(shared, domain)
        rows.append({"label": name, "kind": "move" if name == "move" else "frame", "units": len(shared),
                     "coders": matrix.shape[1],
                     "agreement": float((shared.nunique(axis=1) == 1).mean()) if len(shared) else np.nan,
                     "kappa": float(np.mean([k for _, _, _, k in pairs])) if pairs else np.nan,
                     "alpha": _alpha(shared, domain)})
    return pd.DataFrame(rows)


def pairwise_kappa(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Cohen's kappa for every pair of coders and every label, on the units both coded."""
    rows = []
    for name, matrix in label_matrix(codings, codebook).items():
        domain = codebook.move_names if name == "move" else [0, 1]
        rows += [{"label": name, "coder_a": a, "coder_b": b, "units": n, "kappa": k}
                 for a, b, n, k in _pair_kappas(matrix, domain)]
    return pd.DataFrame(rows, columns=["label", "coder_a", "coder_b", "units", "kappa"])


def disagreements(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Sentences coded by 2+ coders who differ on the move or a frame, with every coder's labels side by side.

    Columns: id, text (when known), ``disagree_on`` (``;``-joined labels), then
    ``move:<coder>`` and ``frames:<coder>`` (``;``-joined) for each coder.
    """
    matrices = label_matrix(codings, codebook)
    shared = matrices["move"].notna().sum(axis=1) >= 2
    differs = {name: (m.nunique(axis=1) > 1) & shared for name, m in matrices.items()}
    ids = [i for i in matrices["move"].index if any(d[i] for d in differs.values())]
    coders = list(matrices["move"].columns)
    table = pd.DataFrame({"id": ids})
    if "text" in codings:
        texts = codings.drop_duplicates("id").set_index("id")["text"]
        table["text"] = [texts[i] for i in ids]
    table["disagree_on"] = [";".join(name for name, d in differs.items() if d[i]) for i in ids]
    by_coder = codings.set_index(["id", "annotator"])
    for coder in coders:
        table[f"move:{coder}"] = [by_coder["move"].get((i, coder)) for i in ids]
        table[f"frames:{coder}"] = [";".join(by_coder["frames"][(i, coder)]) if (i, coder) in by_coder.index
                                    else None for i in ids]
    return table


def _pair_kappas(matrix: pd.DataFrame, domain: list) -> list[tuple[str, str, int, float]]:
    """(coder a, coder b, units both coded, Cohen's kappa) for each pair with shared units."""
    out = []
    for a, b in itertools.combinations(matrix.columns, 2):
        both = matrix[[a, b]].dropna()
        if both.empty:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # constant codes: kappa is undefined and comes back NaN
            kappa = cohen_kappa_score(list(both[a]), list(both[b]), labels=domain)
        out.append((str(a), str(b), len(both), float(kappa)))
    return out


def _alpha(matrix: pd.DataFrame, domain: list) -> float:
    """Krippendorff's nominal alpha over coders × units, values coded as their index in ``domain``."""
    if matrix.empty:
        return float("nan")
    codes = {value: i for i, value in enumerate(domain)}
    data = matrix.T.apply(lambda column: column.map(codes)).to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a single observed value: alpha is undefined (NaN)
        return float(krippendorff.alpha(reliability_data=data, value_domain=list(range(len(domain))),
                                        level_of_measurement="nominal"))
