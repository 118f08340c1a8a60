"""``desec report``, ``desec shifts`` and ``desec kwic``: thin click wrappers over the reporting library.

Plain click commands: :mod:`desec_nlp.cli` registers them on ``desec``.
"""
from __future__ import annotations

import click

from .cli_options import codebook_option, fail_cleanly
from .shifts import PAIRS
from .tables import EXPORT_FORMATS


def _split_commas(_ctx, _param, value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",")] if value else None


def period_options(func):
    """--by, --calendar, --periods, --pairs and --group, shared by ``report`` and ``shifts``."""
    func = click.option("--pairs", type=click.Choice(PAIRS), default="consecutive", show_default=True,
                        help="Shift tests compare each period with the next, or every pair of periods.")(func)
    func = click.option("--group", help="Split each period by this column: speaker, source, genre, lang or any "
                                        "other metadata column.")(func)
    func = click.option("--periods", callback=_split_commas,
                        help="Keep only these periods, comma-separated, e.g. 'Calderón,López Obrador'.")(func)
    func = click.option("--calendar", type=click.Path(exists=True, dir_okay=False),
                        help="Your own calendar CSV (name,start,end) for --by administration.")(func)
    return click.option("--by", default="administration", show_default=True,
                        help="year, quarter, month, administration (Mexican presidential terms), or a breakpoints "
                             "file with one YYYY-MM-DD[,label] per line.")(func)


def _note_unassigned(result) -> None:
    if result.unassigned:
        click.echo(f"note: {result.unassigned} sentence(s) without a date or outside every period were left out",
                   err=True)


@click.command()
@click.argument("tagged", nargs=-1, required=True)
@period_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Table file (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS),
              help="Table format (default: from the output's extension, else markdown).")
@click.option("--long", "long_form", is_flag=True, help="Tidy long table (one row per number), for R/ggplot.")
@click.option("--plots", "plots_dir", type=click.Path(file_okay=False), help="Write PNG and SVG plots here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write a self-contained HTML report.")
@click.option("--bootstrap", "n_boot", default=1000, show_default=True, help="Bootstrap resamples (0: no interval).")
@click.option("--seed", default=0, show_default=True, help="Seed of the bootstrap and of the example choice.")
@codebook_option
@fail_cleanly
def report(tagged, by, calendar, periods, pairs, group, output, fmt, long_form, plots_dir, html_path, n_boot, seed,
           codebook_path):
    """Moves, frames and the securitization balance (with a bootstrap interval) per period from TAGGED files.

    TAGGED are outputs of 'desec classify': JSONL, CSV, Parquet files or Parquet directories.
    """
    from .atomic import write_text_atomic
    from .plots import write_plots
    from .report_job import compute_report
    from .tables import format_from_path, table_to_text, write_table

    fmt = fmt or (format_from_path(output) if output else "markdown")
    if fmt in ("xlsx", "parquet") and not output:
        raise click.UsageError(f"--format {fmt} is a binary format: give -o FILE")
    result = compute_report(tagged, by, group, codebook_path, calendar, n_boot=n_boot, seed=seed, periods=periods,
                            pairs=pairs)
    table = result.long_table() if long_form else result.table
    if output:
        write_table(table, output, fmt)
    else:
        click.echo(table_to_text(table, fmt), nl=False)
    figures = result.figures() if plots_dir or html_path else {}
    written = write_plots(figures, plots_dir) if plots_dir else []
    if html_path:
        write_text_atomic(html_path, result.html(figures, seed=seed))
        written.append(html_path)
    for path in ([output] if output else []) + written:
        click.echo(f"wrote {path}", err=True)
    _note_unassigned(result)


@click.command()
@click.argument("tagged", nargs=-1, required=True)
@period_options
@click.option("--alpha", default=0.05, show_default=True, help="False-discovery rate (Benjamini-Hochberg).")
@click.option("--all", "show_all", is_flag=True, help="List every test, not only the significant ones.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Also write every test as a table (csv, xlsx, ...).")
@codebook_option
@fail_cleanly
def shifts(tagged, by, calendar, periods, pairs, group, alpha, show_all, output, codebook_path):
    """List, in plain words, the significant changes of each frame and of the balance between periods."""
    from .report_job import compute_report
    from .tables import write_table

    result = compute_report(tagged, by, group, codebook_path, calendar, n_boot=0, alpha=alpha, periods=periods,
                            pairs=pairs)
    click.echo(result.shifts_text(show_all), nl=False)
    if output:
        write_table(result.shifts, output)
    _note_unassigned(result)


@click.command()
@click.argument("query")
@click.argument("tagged", nargs=-1, required=True)
@click.option("--regex", is_flag=True, help="QUERY is a regular expression (still case- and accent-insensitive).")
@click.option("--term", "as_term", is_flag=True, help="Search QUERY as text even if it names a move or frame.")
@click.option("--width", default=50, show_default=True, help="Characters of context on each side.")
@click.option("--limit", default=0, help="Show at most this many lines (0: all).")
@codebook_option
@fail_cleanly
def kwic(query, tagged, regex, as_term, width, limit, codebook_path):
    """Keyword in context: QUERY (a word, phrase, regex, or a move/frame label) in TAGGED files, with date and source.

    For a label, each match is one of its cue spans, the evidence the tagger recorded.
    """
    from .codebook import load_codebook
    from .kwic import format_kwic, kwic as kwic_lines
    from .tagged import read_tagged

    lines = kwic_lines(read_tagged(tagged), query, load_codebook(codebook_path), regex, as_term, width)
    shown = lines.head(limit) if limit else lines
    click.echo(format_kwic(shown, width), nl=False)
    click.echo(f"{len(shown)} of {len(lines)} line(s)", err=True)
