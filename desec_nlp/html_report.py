"""One self-contained HTML report: plots, the shifts in plain words, the table, and example sentences.

A single file with no external resources (plots embedded as base64 PNG, all
styles inline) can be mailed to a co-author or archived with a paper and opens
anywhere, offline. Example sentences show their cue spans highlighted with
spaCy's displaCy span renderer, so a reader sees *why* a sentence counts.
"""
from __future__ import annotations

import base64
import functools
import html

import pandas as pd
import spacy
from matplotlib.figure import Figure
from spacy import displacy

from .codebook import Codebook
from .kwic import sentence_cue_spans
from .plots import figure_bytes

# Light Okabe-Ito tints: black label text stays readable on every one of them.
_MOVE_COLOURS = {1: "#E69F00", -1: "#56B4E9", 0: "#BBBBBB"}
_FRAME_COLOURS = ("#F0E442", "#CC79A7", "#009E73", "#D55E00", "#0072B2", "#999933", "#88CCEE", "#AA4499")
_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 70rem;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.7rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.2rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .9rem; color: #444; }
table.data { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
table.data th, table.data td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
table.data td { white-space: nowrap; } table.data th { background: #f2f2f2; }
.scroll { overflow-x: auto; } table.data td:first-child, table.data th:first-child { text-align: left; }
ul.shifts li { margin: .3rem 0; } .meta { font-size: .85rem; color: #555; margin-top: 1rem; }
.example { border-left: 3px solid #ddd; padding-left: .8rem; margin-bottom: .8rem; }
"""


def label_colours(codebook: Codebook) -> dict[str, str]:
    """A colour for every cue label (``move:...`` by direction, ``frame:...`` by position)."""
    colours = {f"move:{m}": _MOVE_COLOURS[d] for m, d in codebook.move_directions.items()}
    colours.update({f"frame:{f}": _FRAME_COLOURS[i % len(_FRAME_COLOURS)]
                    for i, f in enumerate(codebook.frame_names)})
    return colours


@functools.lru_cache(maxsize=8)
def _tokenizer(lang: str):
    try:
        return spacy.blank(lang)
    except (ImportError, KeyError, OSError, ValueError):
        return spacy.blank("xx")


def highlight_sentence(text: str, cues: list[dict], lang: str, colours: dict[str, str]) -> str:
    """The sentence as displaCy span markup, each cue span underlined and labelled."""
    doc = _tokenizer(lang or "xx").make_doc(text)
    spans = []
    for start, end, label, negated in sentence_cue_spans(text, cues):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            spans.append({"start_token": span.start, "end_token": span.end,
                          "label": label + (" (negated)" if negated else "")})
    options = {"colors": {**colours, **{f"{k} (negated)": v for k, v in colours.items()}}}
    return displacy.render({"text": text, "tokens": [t.text for t in doc], "spans": spans}, style="span",
                           manual=True, jupyter=False, options=options)


def _figure(fig: Figure, caption: str) -> str:
    data = base64.b64encode(figure_bytes(fig, "png")).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def summary_table(table: pd.DataFrame, codebook: Codebook, keys: list[str]) -> pd.DataFrame:
    """The columns a reader scans first: sizes, the balance with its interval, each frame per 1,000 sentences."""
    out = table[keys + ["sentences", "documents"]].copy()
    out["balance [95% CI]"] = [f"{b:+.2f} [{lo:+.2f}, {hi:+.2f}]" if pd.notna(lo) else
                               (f"{b:+.2f}" if pd.notna(b) else "") for b, lo, hi in
                               zip(table["balance"], table["balance_low"], table["balance_high"])]
    for frame in codebook.frame_names:
        out[f"{frame} /1000"] = table[f"frame_{frame}_per_1000"].round(1)
    return out


def render_report(table: pd.DataFrame, shifts: pd.DataFrame, examples: pd.DataFrame, codebook: Codebook,
                  figures: dict[str, Figure], period: str = "period", group: str | None = None,
                  title: str = "Securitization and desecuritization over time") -> str:
    """The whole report as one HTML string (pure: the caller writes it, atomically)."""
    keys = [k for k in (period, group) if k]
    captions = {"frame_shares": "Frame frequency per period (sentences per 1,000).",
                "balance": "Securitization balance per period; the band is a 95% bootstrap interval resampled by "
                           "document."}
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>Codebook <b>{html.escape(codebook.name)}</b> (version {html.escape(codebook.version)}); "
             f"{int(table['sentences'].sum()):,} sentences in {table[period].nunique()} periods "
             f"by {html.escape(period)}{' and ' + html.escape(group) if group else ''}. Balance = "
             "(securitizing &minus; desecuritizing) / (securitizing + desecuritizing).</p>",
             "<h2>Plots</h2>"]
    parts += [_figure(fig, captions.get(name, name.replace("_", " ").capitalize() + " (sentences per 1,000)."))
              for name, fig in figures.items()]
    parts.append("<h2>Shifts between periods</h2>")
    significant = shifts[shifts["significant"]] if not shifts.empty else shifts
    if significant.empty:
        parts.append("<p>No significant shift at the chosen false-discovery rate.</p>")
    else:
        parts.append("<p>Benjamini-Hochberg adjusted p-values; h is Cohen's h.</p><ul class=\"shifts\">" +
                     "".join(f"<li>{html.escape(d)}</li>" for d in significant["description"]) + "</ul>")
    parts.append("<h2>Table</h2>")
    parts.append('<div class="scroll">' + summary_table(table, codebook, keys).to_html(
        index=False, classes="data", border=0, na_rep="") + "</div>")
    parts.append("<h2>Example sentences per label</h2>")
    parts.append(_examples_html(examples, codebook))
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def _examples_html(examples: pd.DataFrame, codebook: Codebook) -> str:
    if examples.empty:
        return "<p>No labelled sentences.</p>"
    colours = label_colours(codebook)
    definitions = {label.name: label.definition for label in (*codebook.moves, *codebook.frames)}
    parts = []
    for (kind, label), rows in examples.groupby(["example_kind", "example_label"], sort=False):
        parts.append(f"<h3>{html.escape(kind)}: {html.escape(label)}</h3>")
        if definitions.get(label):
            parts.append(f"<p><i>{html.escape(definitions[label])}</i></p>")
        for record in rows.to_dict("records"):
            meta = " · ".join(html.escape(str(record[k])) for k in ("date", "speaker", "source", "period")
                              if k in record and pd.notna(record[k]) and str(record[k]))
            markup = highlight_sentence(str(record["text"]), record.get("cues") or [], str(record.get("lang") or "xx"),
                                        colours)
            parts.append(f'<div class="example"><div class="meta">{meta}</div>{markup}</div>')
    return "\n".join(parts)

