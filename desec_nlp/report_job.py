"""The report job: tagged records in, tables, shift tests, plots and an HTML report out.

:func:`compute_report` does the analysis once (periods, tables, tests, examples) and
holds the results, so the CLI commands and :func:`build_report` (called by
``desec demo``) write from the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd
from matplotlib.figure import Figure

from .atomic import write_text_atomic
from .codebook import Codebook, load_codebook
from .html_report import render_report
from .kwic import pick_examples
from .periods import add_periods, keep_periods
from .plots import report_figures, write_plots
from .shifts import format_shifts, shift_tests
from .tables import frame_table, to_long, write_table
from .tagged import normalise_tagged, read_tagged

TABLE_FILES = ("report_table.csv", "report_table.xlsx", "report_table.parquet", "report_table.md")


@dataclass
class Report:
    """The results of one analysis; ``records`` keeps the tagged rows with their ``period``."""

    records: pd.DataFrame
    table: pd.DataFrame
    shifts: pd.DataFrame
    codebook: Codebook
    by: str
    group: str | None
    alpha: float
    heat_table: pd.DataFrame | None
    heat_group: str | None

    @property
    def unassigned(self) -> int:
        """Sentences left out because they have no date or fall outside every period."""
        return int(self.records["period"].isna().sum())

    def long_table(self) -> pd.DataFrame:
        return to_long(self.table, self.codebook)

    def figures(self) -> dict[str, Figure]:
        return report_figures(self.table, self.codebook, group=self.group, heat_table=self.heat_table,
                              heat_group=self.heat_group)

    def shifts_text(self, show_all: bool = False) -> str:
        return format_shifts(self.shifts, self.alpha, show_all)

    def html(self, figures: dict[str, Figure] | None = None, per_label: int = 3, seed: int = 0) -> str:
        examples = pick_examples(self.records.dropna(subset=["period"]), self.codebook, per_label, seed)
        return render_report(self.table, self.shifts, examples, self.codebook, figures or self.figures(),
                             group=self.group,
                             title=f"Securitization and desecuritization by {Path(self.by).stem}")


def compute_report(tagged: pd.DataFrame | Iterable[str | Path] | str | Path, by: str = "administration",
                   group: str | None = None, codebook: Codebook | str | Path | None = None,
                   calendar: str | Path | None = None, n_boot: int = 1000, seed: int = 0,
                   alpha: float = 0.05, periods: list[str] | None = None, pairs: str = "consecutive") -> Report:
    """Put tagged records in periods and compute the table, the heatmap table and the shift tests.

    ``tagged`` is a DataFrame of tagged records or the path(s) of ``desec classify`` outputs.
    ``periods`` keeps only the named periods; ``pairs`` ("consecutive" or "all") says which periods
    the shift tests compare.
    The heatmap shows frames by ``group``, or by speaker when no group is given and records
    have a speaker.
    """
    codebook = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    records = normalise_tagged(tagged) if isinstance(tagged, pd.DataFrame) else read_tagged(tagged)
    records = add_periods(records, by, calendar)
    if periods:
        records["period"] = keep_periods(records["period"], list(periods))
    table = frame_table(records, codebook, group=group, n_boot=n_boot, seed=seed)
    heat_group = group or ("speaker" if "speaker" in records.columns else None)
    heat_table = (frame_table(records.dropna(subset=["period"]), codebook, period=None, group=heat_group, n_boot=0)
                  if heat_group else None)
    shifts = shift_tests(table, codebook, group=group, alpha=alpha, pairs=pairs)
    return Report(records, table, shifts, codebook, by, group, alpha, heat_table, heat_group)


def build_report(tagged: pd.DataFrame | Iterable[str | Path] | str | Path, out_dir: str | Path,
                 by: str = "administration", group: str | None = None,
                 codebook: Codebook | str | Path | None = None, calendar: str | Path | None = None,
                 seed: int = 0, periods: list[str] | None = None, pairs: str = "consecutive") -> list[Path]:
    """Write the whole report into ``out_dir``; returns the paths written.

    Files: the table as csv, xlsx, parquet and markdown (``report_table.*``) plus its tidy
    long form (``report_table_long.csv``), the plots as PNG and SVG, the shift tests
    (``shifts.csv``, and the significant ones in words in ``shifts.txt``) and ``report.html``.
    """
    out = Path(out_dir)
    report = compute_report(tagged, by, group, codebook, calendar, seed=seed, periods=periods, pairs=pairs)
    paths = [write_table(report.table, out / name) for name in TABLE_FILES]
    paths.append(write_table(report.long_table(), out / "report_table_long.csv"))
    figures = report.figures()
    paths += write_plots(figures, out)
    paths.append(write_table(report.shifts, out / "shifts.csv"))
    write_text_atomic(out / "shifts.txt", report.shifts_text())
    write_text_atomic(out / "report.html", report.html(figures, seed=seed))
    return paths + [out / "shifts.txt", out / "report.html"]
