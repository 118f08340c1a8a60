"""``desec`` commands for hand coding: export/import with annotation tools, agreement, sampling, dictionaries.

Plain click commands (not attached to a group here): ``desec_nlp.cli`` registers
:data:`COMMANDS` on ``desec`` and :data:`CODEBOOK_COMMANDS` on ``desec codebook``.
"""
from __future__ import annotations

import json

import click

from .cli_options import codebook_option, fail_cleanly
from .codebook import load_codebook


@click.command("export")
@click.argument("tagged", type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "tool", type=click.Choice(["label-studio", "doccano", "csv"]), required=True,
              help="Annotation tool to prepare tasks for.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Tasks file; the project configuration is written beside it.")
@click.option("--model-version", default="desec_nlp", show_default=True,
              help="Name under which Label Studio shows the pre-annotations.")
@codebook_option
@fail_cleanly
def export_tasks(tagged, tool, output, model_version, codebook_path):
    """Write TAGGED sentences (from 'desec classify') as pre-annotated tasks for an annotation tool.

    The move and frames become pre-filled choices, the cue spans pre-filled span labels.
    label-studio: OUT (tasks JSON) + OUT.label_config.xml; doccano: OUT (JSONL for an
    "Intent Detection and Slot Filling" project) + OUT.category_types.json and
    OUT.span_types.json (upload them on the Labels page); csv: one spreadsheet.
    """
    from .annotation_tools import export_for_tool, tagged_records
    from .tagged import read_tagged

    codebook = load_codebook(codebook_path)
    records = tagged_records(read_tagged(tagged), codebook)
    for path in export_for_tool(records, codebook, tool, output, model_version=model_version):
        click.echo(f"wrote {path}", err=True)
    click.echo(f"{len(records)} tasks for {tool}", err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--from", "tool", type=click.Choice(["label-studio", "doccano", "csv"]), required=True,
              help="Tool the FILE was exported from.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Annotation file to write (JSONL; CSV if it ends in .csv).")
@click.option("--annotator", help="Coder name when the file does not say (CSV without an annotator column, "
                                  "collaborative doccano export; default: the file name).")
@click.option("--exclude-annotator", "excluded", multiple=True,
              help="Drop this account's labels, e.g. the doccano user who uploaded the pre-annotations.")
@codebook_option
@fail_cleanly
def import_(file, tool, output, annotator, excluded, codebook_path):
    """Read finished annotations from an annotation tool's export FILE into desec's annotation format.

    One record per sentence and coder: id, text, move, frames, annotator, cues, metadata.
    Label Studio: the project's "JSON" export. doccano: the JSONL export (the .zip of
    per-member files, or one .jsonl). CSV: a spreadsheet from 'desec export --to csv'.
    """
    from .annotation_tools import import_annotations, write_annotations

    codebook = load_codebook(codebook_path)
    records = import_annotations(file, tool, codebook, annotator=annotator, exclude_annotators=excluded)
    write_annotations(records, output)
    coders = sorted({r["annotator"] for r in records})
    click.echo(f"{len(records)} annotations of {len({r['id'] for r in records})} sentences by "
               f"{len(coders)} coder(s) ({', '.join(coders)}) written to {output}", err=True)


@click.command("agreement")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the tables as JSON.")
@click.option("--disagreements", "disagreements_path", type=click.Path(dir_okay=False),
              help="Write the sentences the coders disagree on here (CSV, or JSONL), for adjudication.")
@codebook_option
@fail_cleanly
def agreement(files, as_json, disagreements_path, codebook_path):
    """Inter-coder agreement on the move and each frame: Cohen's kappa and Krippendorff's alpha.

    FILES: one annotation file per coder, or one file with an 'annotator' column
    (JSONL or CSV with id, move, frames). kappa is Cohen's with two coders, Light's
    (mean pairwise) with more; alpha is Krippendorff's nominal alpha.
    """
    from .agreement import agreement_table, disagreements, load_codings, pairwise_kappa
    from .atomic import write_text_atomic

    codebook = load_codebook(codebook_path)
    codings = load_codings(list(files), codebook)
    table, pairs = agreement_table(codings, codebook), pairwise_kappa(codings, codebook)
    if as_json:
        click.echo(json.dumps({"labels": table.to_dict("records"), "pairs": pairs.to_dict("records")}, indent=2))
    else:
        click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="n/a"))
        kappa = "Cohen's" if table["coders"].max() <= 2 else "Light's (mean pairwise Cohen's)"
        click.echo(f"units: sentences coded by 2+ coders; kappa: {kappa}; alpha: Krippendorff's nominal; "
                   "n/a: the label never varies", err=True)
    if disagreements_path:
        found = disagreements(codings, codebook)
        text = found.to_csv(index=False, lineterminator="\n") if disagreements_path.lower().endswith(".csv") \
            else found.to_json(orient="records", lines=True, force_ascii=False)
        write_text_atomic(disagreements_path, text)
        click.echo(f"{len(found)} sentences with disagreements written to {disagreements_path}", err=True)


@click.command("sample")
@click.argument("tagged", type=click.Path(exists=True, dir_okay=False))
@click.option("-n", "size", type=int, required=True, help="How many sentences to pick.")
@click.option("--strategy", type=click.Choice(["uncertainty", "random", "stratified"]), default="uncertainty",
              show_default=True, help="Least confident first, a random sample, or balanced across strata.")
@click.option("--by", "strata", multiple=True, default=("year", "move"), show_default=True,
              help="Stratum column for --strategy stratified (repeatable; year and decade come from date).")
@click.option("--exclude", "coded", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Annotation file whose sentences are already coded (repeatable).")
@click.option("--seed", default=13, show_default=True, help="Random seed.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the picked records (JSONL, or CSV by extension).")
@codebook_option
@fail_cleanly
def sample(tagged, size, strategy, strata, coded, seed, output, codebook_path):
    """Pick the N sentences of TAGGED (from 'desec classify') most worth coding next."""
    from .annotation_tools import tagged_records
    from .corpus import load_annotations
    from .sampling import sample_records
    from .tagged import read_tagged
    from .writers import write_records

    codebook = load_codebook(codebook_path)
    table = read_tagged(tagged)
    done = {str(i) for path in coded for i in load_annotations(path).get("id", [])}
    picked = tagged_records(sample_records(table, size, strategy, seed=seed, by=strata, exclude_ids=done), codebook)
    write_records(picked, output, "csv" if output.lower().endswith(".csv") else "jsonl", codebook.frame_names)
    left_out = int(table["id"].astype(str).isin(done).sum())
    click.echo(f"{len(picked)} of {len(table)} sentences picked ({strategy}"
               + (f"; {left_out} already coded left out" if left_out else "") + f") and written to {output}", err=True)


@click.command("export")
@click.option("--to", "target", type=click.Choice(["yaml", "json", "quanteda-yaml", "liwc-dic"]), default="yaml",
              show_default=True, help="The scheme as YAML/JSON, or its cues as a quanteda or LIWC dictionary.")
@click.option("--lang", help="Language of the cues for a dictionary (default: the codebook's first).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
@click.pass_obj
@fail_cleanly
def codebook_export(codebook_path, target, lang, output):
    """Export the active codebook's labels and examples, or its cue lists as a quanteda/LIWC dictionary."""
    from .atomic import write_text_atomic
    from .codebook_io import DICTIONARY_FORMATS, dictionary_entries, export_codebook

    codebook = load_codebook(codebook_path)
    text = export_codebook(codebook, target, lang=lang)
    if target in DICTIONARY_FORMATS and (omitted := dictionary_entries(codebook, lang)[1]):
        click.echo(f"note: {len(omitted)} token pattern(s) have no dictionary form and were left out", err=True)
    if output:
        write_text_atomic(output, text)
    else:
        click.echo(text, nl=False)


@click.command("import")
@click.argument("dictionary", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="New codebook directory (codebook.yaml + lexicon/<lang>.jsonl).")
@click.option("--from", "fmt", type=click.Choice(["quanteda-yaml", "liwc-dic"]),
              help="Dictionary format (default: from the extension, .yml/.yaml or .dic).")
@click.option("--lang", default="en", show_default=True, help="Language of the dictionary's entries.")
@click.option("--name", help="Name of the new codebook.")
@fail_cleanly
def codebook_import(dictionary, output, fmt, lang, name):
    """Make a codebook from a quanteda YAML or LIWC .dic DICTIONARY: one frame per category, one cue per entry.

    Use it with --codebook OUTPUT/codebook.yaml; edit codebook.yaml to add definitions.
    """
    from .codebook_io import import_dictionary

    result = import_dictionary(dictionary, output, fmt=fmt, lang=lang, name=name)
    click.echo(f"codebook written to {result.path}: {len(result.frames)} frames, {result.cues} cues", err=True)
    if result.skipped:
        click.echo(f"note: {len(result.skipped)} entries with LIWC conditions were skipped "
                   f"(first: {result.skipped[0]})", err=True)


COMMANDS = [export_tasks, import_, agreement, sample]
CODEBOOK_COMMANDS = [codebook_export, codebook_import]
