"""Pictures of the tables: frame frequency over time, the balance with its interval, frames by speaker.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot, no
global backend state, so they render headless with Agg and never open a
window). Lines use the Okabe-Ito palette, which stays distinguishable with the
common colour-vision deficiencies, plus a marker per series so print in grey
works too; the heatmap uses viridis. SVGs keep text as text, so labels remain
searchable and editable in a paper's figure.
"""
from __future__ import annotations

import io
from itertools import count
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .atomic import atomic_path
from .codebook import Codebook

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
MEASURES = {"per_1000": "sentences per 1,000", "share": "share of sentences", "n": "sentences"}
PLOT_FORMATS = ("png", "svg")


def _styles():
    """(colour, marker, line style) per series: 7 colours, then dashed, then dotted; markers cycle on their own.

    Okabe-Ito's yellow is left out of lines: it is too pale on white.
    """
    colours = OKABE_ITO[:7]
    for i in count():  # endless: every frame of a large codebook gets a line
        yield colours[i % len(colours)], MARKERS[i % len(MARKERS)], ("-", "--", ":")[i // len(colours) % 3]


def _period_axis(ax, labels: list[str], title: str) -> None:
    ax.set_xticks(range(len(labels)))
    step = max(1, len(labels) // 24)  # monthly series: label every n-th period only
    ax.set_xticklabels([lab if i % step == 0 else "" for i, lab in enumerate(labels)],
                       rotation=45 if len(labels) > 6 or max(map(len, labels), default=0) > 12 else 0,
                       ha="right" if len(labels) > 6 else "center")
    ax.set_xlabel(title)
    ax.grid(axis="y", alpha=0.3)


def _periods(table: pd.DataFrame, period: str) -> list[str]:
    values = table[period]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories if c in set(values)]
    return [str(v) for v in sorted(values.unique())]


def _groups(table: pd.DataFrame, group: str | None, limit: int) -> list:
    """The ``limit`` largest groups by sentences: more panels or lines than that are not legible."""
    if not group:
        return [None]
    return list(table.groupby(group)["sentences"].sum().sort_values(ascending=False).index[:limit])


def frame_shares_figure(table: pd.DataFrame, codebook: Codebook, period: str = "period", group: str | None = None,
                        measure: str = "per_1000", max_groups: int = 9) -> Figure:
    """Each frame's frequency per period: one line per frame; one panel per group (largest ``max_groups``)."""
    periods, groups = _periods(table, period), _groups(table, group, max_groups)
    ncols = min(3, len(groups))
    nrows = -(-len(groups) // ncols)
    fig = Figure(figsize=(4.2 * ncols + 2.8, 3.6 * nrows + 0.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    for index, (ax, key) in enumerate(zip(axes, groups)):
        part = table if key is None else table[table[group] == key]
        x = [periods.index(str(p)) for p in part[period]]
        for frame, (colour, marker, dash) in zip(codebook.frame_names, _styles()):
            ax.plot(x, part[f"frame_{frame}_{measure}"], color=colour, marker=marker, linestyle=dash,
                    label=frame, linewidth=1.8, markersize=5)
        _period_axis(ax, periods, period)
        if index % ncols == 0:
            ax.set_ylabel(MEASURES[measure])
        if key is not None:
            ax.set_title(str(key), fontsize=10)
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", title="frame", fontsize=9)
    fig.suptitle(f"Frames by {period}: {MEASURES[measure]}")
    return fig


def balance_figure(table: pd.DataFrame, period: str = "period", group: str | None = None,
                   max_groups: int = 6) -> Figure:
    """The securitization balance per period with its bootstrap interval as a band (one line per group)."""
    periods, groups = _periods(table, period), _groups(table, group, max_groups)
    fig = Figure(figsize=(8.5, 4.8), layout="constrained")
    ax = fig.subplots()
    ax.axhline(0, color="#555555", linewidth=0.8)
    for key, (colour, marker, dash) in zip(groups, _styles()):
        part = table if key is None else table[table[group] == key]
        x = np.array([periods.index(str(p)) for p in part[period]])
        ax.fill_between(x, part["balance_low"].astype(float), part["balance_high"].astype(float), color=colour,
                        alpha=0.2, linewidth=0, label=None)
        ax.plot(x, part["balance"], color=colour, marker=marker, linestyle=dash, linewidth=2,
                label="all" if key is None else str(key))
    _period_axis(ax, periods, period)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("securitization balance\n(+1 securitizing, -1 desecuritizing)")
    ax.set_title("Securitization balance with its bootstrap interval (resampled by document)")
    if group:
        ax.legend(title=group, loc="best", fontsize=9)
    return fig


def heatmap_figure(table: pd.DataFrame, codebook: Codebook, group: str, measure: str = "per_1000",
                   max_rows: int = 20) -> Figure:
    """Frames (columns) by group (rows, the ``max_rows`` largest), coloured by frequency, values written in."""
    rows = _groups(table, group, max_rows)
    data = table.groupby(group).sum(numeric_only=True)  # counts add up across periods; shares are recomputed
    values = np.array([[data.loc[r, f"frame_{f}_n"] / data.loc[r, "sentences"] for f in codebook.frame_names]
                       for r in rows], dtype=float)
    values *= {"per_1000": 1000.0, "share": 1.0}.get(measure, 1.0)
    fig = Figure(figsize=(1.0 * len(codebook.frame_names) + 4.5, 0.42 * len(rows) + 2.4), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(values, cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(codebook.frame_names)), codebook.frame_names, rotation=40, ha="right")
    ax.set_yticks(range(len(rows)), [str(r)[:40] for r in rows])
    ax.set_xlabel("frame")
    ax.set_ylabel(group)
    threshold = np.nanmax(values) / 2 if values.size and np.nanmax(values) > 0 else 1
    for (i, j), value in np.ndenumerate(values):
        ax.text(j, i, f"{value:.0f}" if measure == "per_1000" else f"{value:.2f}", ha="center", va="center",
                fontsize=8, color="black" if value > threshold else "white")
    fig.colorbar(image, ax=ax, label=MEASURES.get(measure, measure))
    ax.set_title(f"Frames by {group} ({MEASURES.get(measure, measure)})")
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    """Render a figure in memory (for embedding in HTML)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()


def save_figure(fig: Figure, stem: str | Path, formats: tuple[str, ...] = PLOT_FORMATS, dpi: int = 150) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` (atomically); returns the paths written."""
    paths = []
    for fmt in formats:
        path = Path(f"{stem}.{fmt}")
        with atomic_path(path) as tmp:
            tmp.write_bytes(figure_bytes(fig, fmt, dpi))
        paths.append(path)
    return paths


def report_figures(table: pd.DataFrame, codebook: Codebook, period: str = "period", group: str | None = None,
                   heat_table: pd.DataFrame | None = None, heat_group: str | None = None) -> dict[str, Figure]:
    """The report's figures by file stem: frame shares, balance, and (given a per-group table) the heatmap."""
    figures = {"frame_shares": frame_shares_figure(table, codebook, period, group),
               "balance": balance_figure(table, period, group)}
    if heat_table is not None and heat_group:
        figures[f"frames_by_{heat_group}"] = heatmap_figure(heat_table, codebook, heat_group)
    return figures


def write_plots(figures: dict[str, Figure], out_dir: str | Path) -> list[Path]:
    """Save each figure as PNG and SVG in ``out_dir``; returns the paths written."""
    return [path for stem, fig in figures.items() for path in save_figure(fig, Path(out_dir) / stem)]
