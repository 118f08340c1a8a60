"""Click options and helpers shared by the ``desec`` commands (:mod:`desec_nlp.cli`, ``cli_report``, ``cli_annotate``).

Kept apart so that each command module imports them from here, and ``cli`` can import
the command modules at the top without a circular import.
"""
from __future__ import annotations

import functools
from typing import Callable

import click

from .errors import DesecError


def fail_cleanly(func: Callable) -> Callable:
    """Turn library errors into click errors (exit code 1, one line on stderr, no traceback)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DesecError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


def codebook_option(func: Callable) -> Callable:
    return click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False),
                        help="Your own codebook YAML/JSON (default: the shipped one).")(func)


def model_option(func: Callable) -> Callable:
    return click.option("--model", default="default", show_default=True,
                        help="'default' (shipped model), 'rules' (rule tagger alone) or a model directory.")(func)


_READ_OPTIONS = [
    click.option("--unit", type=click.Choice(["sentence", "row", "document"]), default="sentence", show_default=True,
                 help="sentence: split texts; row: each CSV/JSONL row or text line is one unit; "
                      "document: whole texts."),
    click.option("--id-col", help="Column (or JSON key) holding the unit id."),
    click.option("--doc-col", help="Column naming the document a row belongs to (default: each row is a document)."),
    click.option("--text-col", default="text", show_default=True, help="Column (or JSON key) holding the text."),
    click.option("--meta-col", "meta_cols", multiple=True, help="Metadata column to keep (repeatable; default: all)."),
    click.option("--meta", "sidecar", type=click.Path(exists=True, dir_okay=False),
                 help="Sidecar metadata CSV with a 'file' or 'doc_id' column."),
    click.option("--encoding", default="auto", show_default=True, help="Input encoding (auto: UTF-8, else cp1252)."),
    click.option("--split-datelines", is_flag=True,
                 help="Inputs are compilations: start a new dated document at each place-and-date line."),
]


def read_options(func: Callable) -> Callable:
    """The options that say how to read inputs, handed to the command as one ``read_options`` (a ReadOptions)."""
    @functools.wraps(func)
    def wrapper(*args, unit, id_col, doc_col, text_col, meta_cols, sidecar, encoding, split_datelines, **kwargs):
        from .readers import ReadOptions

        options = ReadOptions(text_col=text_col, id_col=id_col, doc_col=doc_col, meta_cols=tuple(meta_cols) or None,
                              unit=unit, encoding=encoding, sidecar=sidecar, split_datelines=split_datelines)
        return func(*args, read_options=options, **kwargs)
    for option in reversed(_READ_OPTIONS):
        wrapper = option(wrapper)
    return wrapper
