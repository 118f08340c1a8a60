"""Plots: the right data on labelled axes, colour-blind-safe colours, PNG and SVG written atomically."""
from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from desec_nlp import load_codebook
from desec_nlp.periods import add_periods
from desec_nlp.plots import (OKABE_ITO, balance_figure, frame_shares_figure, heatmap_figure, report_figures,
                             save_figure, write_plots)
from desec_nlp.tables import frame_table

MINI = Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml"
WAR, PEACE = "war_military", "peace_reconciliation"


@pytest.fixture(scope="module")
def mini():
    return load_codebook(MINI)


@pytest.fixture(scope="module")
def records():
    rows = []
    for d, (date, speaker, war, sec) in enumerate([("2008-01-01", "FCH", 3, 3), ("2009-01-01", "Sedena", 2, 2),
                                                   ("2010-01-01", "FCH", 2, 1), ("2020-01-01", "Sedena", 1, 0),
                                                   ("2021-01-01", "AMLO", 0, 0), ("2022-01-01", "Sedena", 1, 1)]):
        for i in range(4):
            rows.append({"doc_id": f"d{d}", "date": date, "speaker": speaker, "text": "x",
                         "frames": ([WAR] if i < war else []) + ([PEACE] if i >= 3 else []),
                         "move": "securitizing" if i < sec else "desecuritizing"})
    return add_periods(pd.DataFrame(rows), "administration")


@pytest.fixture(scope="module")
def table(records, mini):
    return frame_table(records, mini, n_boot=300)


def test_frame_shares_plot_data_labels_and_colours(table, mini):
    fig = frame_shares_figure(table, mini)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "sentences per 1,000" and ax.get_xlabel() == "period"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Calderón", "López Obrador"]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {WAR, PEACE}
    np.testing.assert_allclose(lines[WAR].get_ydata(), [7 / 12 * 1000, 2 / 12 * 1000])
    assert {to_hex(line.get_color()).upper() for line in lines.values()} <= set(OKABE_ITO)
    assert len({line.get_marker() for line in lines.values()}) == 2  # told apart without colour too
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [WAR, PEACE]


def test_balance_plot_has_the_interval_band(table):
    fig = balance_figure(table)
    ax = fig.axes[0]
    assert "securitization balance" in ax.get_ylabel() and ax.get_ylim() == (-1.05, 1.05)
    [line] = [line for line in ax.get_lines() if line.get_label() == "all"]
    np.testing.assert_allclose(line.get_ydata(), table["balance"])
    [band] = ax.collections
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(table["balance_low"].min())
    assert ys.max() == pytest.approx(table["balance_high"].max())


def test_heatmap_frames_by_speaker(records, mini):
    by_speaker = frame_table(records, mini, period=None, group="speaker", n_boot=0)
    fig = heatmap_figure(by_speaker, mini, "speaker")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Sedena", "FCH", "AMLO"]  # largest groups first
    assert [t.get_text() for t in ax.get_xticklabels()] == [WAR, PEACE]
    data = ax.images[0].get_array()
    assert data[0, 0] == pytest.approx(4 / 12 * 1000) and data[1, 0] == pytest.approx(5 / 8 * 1000)
    assert data[2, 1] == pytest.approx(1 / 4 * 1000)  # AMLO: 1 peace sentence of 4
    assert ax.images[0].get_cmap().name == "viridis"
    assert fig.axes[1].get_ylabel() == "sentences per 1,000"  # the colour bar is labelled


def test_group_panels(records, mini):
    table = frame_table(records, mini, group="speaker", n_boot=0)
    fig = frame_shares_figure(table, mini, group="speaker")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["Sedena", "FCH", "AMLO"]
    assert len(balance_figure(table, group="speaker").axes[0].get_legend().get_texts()) == 3


def test_png_and_svg_are_written_and_legible(tmp_path, table, mini):
    paths = save_figure(frame_shares_figure(table, mini), tmp_path / "shares")
    assert [p.name for p in paths] == ["shares.png", "shares.svg"]
    png = paths[0].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 1000 and height >= 500
    svg = ET.parse(paths[1]).getroot()
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "sentences per 1,000" in texts and WAR in texts  # text stays text, editable in a paper
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_figures_and_write_plots(tmp_path, records, table, mini):
    heat = frame_table(records, mini, period=None, group="speaker", n_boot=0)
    figures = report_figures(table, mini, heat_table=heat, heat_group="speaker")
    assert list(figures) == ["frame_shares", "balance", "frames_by_speaker"]
    written = write_plots(figures, tmp_path / "plots")
    assert sorted(p.name for p in written) == sorted(f"{stem}.{ext}" for stem in figures for ext in ("png", "svg"))
    assert all(p.stat().st_size > 1000 for p in written)
