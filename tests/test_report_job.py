"""build_report: the files `desec demo` writes, from a DataFrame or from tagged files, with consistent numbers."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from desec_nlp import load_codebook
from desec_nlp.report_job import build_report, compute_report

MINI = Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml"


def _records() -> pd.DataFrame:
    rows = []
    for d in range(6):
        calderon = d < 3
        for i in range(8):
            securitizing = (i < 4) if calderon else (i < 1)
            desecuritizing = (4 <= i < 5) if calderon else (1 <= i < 5)
            rows.append({"doc_id": f"d{d}", "sent_index": i, "text": f"Oración {i} del documento {d}.", "lang": "es",
                         "date": "2010-06-01" if calderon else "2021-06-01", "speaker": "FCH" if calderon else "AMLO",
                         "move": "securitizing" if securitizing else "desecuritizing" if desecuritizing else "none",
                         "frames": ["war_military"] if i < (3 if calderon else 1) else []})  # no cues column
    return pd.DataFrame(rows)


def test_build_report_writes_every_file(tmp_path):
    codebook = load_codebook(MINI)
    paths = build_report(_records(), tmp_path / "out", codebook=codebook)
    names = sorted(p.name for p in paths)
    assert names == sorted(["report_table.csv", "report_table.xlsx", "report_table.parquet", "report_table.md",
                            "report_table_long.csv", "frame_shares.png", "frame_shares.svg", "balance.png",
                            "balance.svg", "frames_by_speaker.png", "frames_by_speaker.svg", "shifts.csv",
                            "shifts.txt", "report.html"])
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    table = pd.read_csv(tmp_path / "out" / "report_table.csv")
    assert list(table["period"]) == ["Calderón", "López Obrador"]
    assert list(table["balance"]) == [pytest.approx(0.6), pytest.approx(-0.6)]  # (12-3)/15 and (3-12)/15
    assert (table["balance_low"] <= table["balance"]).all() and (table["balance"] <= table["balance_high"]).all()
    assert pd.read_parquet(tmp_path / "out" / "report_table.parquet")["balance"].tolist() == table["balance"].tolist()
    shifts = (tmp_path / "out" / "shifts.txt").read_text(encoding="utf-8")
    assert "the securitization balance fell from +0.60 to -0.60 between Calderón and López Obrador" in shifts
    assert "Calderón" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_compute_report_from_files_with_group_and_periods(tmp_path):
    path = tmp_path / "tagged.jsonl"
    _records().to_json(path, orient="records", lines=True, force_ascii=False)
    report = compute_report([path], by="year", group="speaker", codebook=MINI, n_boot=0)
    assert list(report.table["speaker"]) == ["FCH", "AMLO"] and report.unassigned == 0
    assert report.heat_group == "speaker" and list(report.figures()) == ["frame_shares", "balance",
                                                                          "frames_by_speaker"]
    only = compute_report(path, by="administration", codebook=MINI, n_boot=0, periods=["López Obrador"])
    assert list(only.table["period"].astype(str)) == ["López Obrador"] and only.unassigned == 24
    assert set(only.long_table()["kind"]) == {"total", "move", "frame", "balance"}
