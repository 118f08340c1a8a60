"""The ``desec`` command line: thin click wrappers around library functions.

Each command parses options, calls one library function and prints; library
errors (:class:`DesecError`) become one-line messages without a traceback.
"""
from __future__ import annotations

import json
import shlex
import sys

import click

from .cli_annotate import CODEBOOK_COMMANDS
from .cli_annotate import COMMANDS as ANNOTATION_COMMANDS
from .cli_options import codebook_option, fail_cleanly, model_option, read_options
from .cli_report import kwic, report, shifts
from .codebook import load_codebook


@click.group()
@click.version_option(package_name="desec_nlp")
def main() -> None:
    """desec_nlp: securitization and desecuritization in speeches, plans and press texts."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(),
              help="Output file (default: standard output); with --engine dask, a Parquet directory.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Output format (default: from the output's extension, else jsonl).")
@click.option("--lang", type=click.Choice(["auto", "es", "en"]), default="auto", show_default=True,
              help="Language of the inputs, or detect per document.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False),
              help="Write each skipped input unit here: one JSON object (file, line, code, reason) per line.")
@click.option("--summary-json", "summary_path", type=click.Path(dir_okay=False),
              help="Also write the run's counts (read, classified, skipped per reason, records) here as JSON.")
@click.option("--batch-size", default=256, show_default=True, help="Documents per batch (per process).")
@click.option("--n-process", type=click.IntRange(min=1), default=None,
              help="Processes that tag (default: all cores).")
@click.option("--resume", is_flag=True, help="Continue an interrupted run from OUT.partial (needs -o OUT).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine's cores; dask: a dask.distributed cluster, OUT is a Parquet directory.")
@click.option("--scheduler", help="Dask scheduler address (default: a LocalCluster on this machine).")
@read_options
@codebook_option
@model_option
@fail_cleanly
def classify(inputs, output, fmt, read_options, lang, errors_path, summary_path, batch_size, n_process, resume, engine,
             scheduler, codebook_path, model):
    """Tag every sentence (or row, or document) of INPUTS with a move, frames and evidence cues.

    INPUTS are files (.txt .md .html .csv .tsv .jsonl .pdf; .parquet with --engine dask), directories or
    glob patterns, gzipped or not (.txt.gz, .jsonl.gz, ...). An interrupted run leaves OUT.partial: rerun with
    --resume to continue it. The run ends with its counts on standard error: input units read, classified and
    skipped (per reason); the exit code is 1 when any unit was skipped.
    """
    from .classify import classify_files, write_summary
    from .parallel import default_n_process
    from .tagger import Tagger

    fmt = fmt or ("csv" if output and output.lower().endswith(".csv") else "jsonl")
    if engine == "dask":
        from .dask_engine import classify_dask
        if not output:
            raise click.UsageError("--engine dask writes a Parquet directory: give it with -o OUT")
        summary = classify_dask(inputs, output, read_options, codebook_path, model, lang=lang, scheduler=scheduler,
                                n_workers=n_process, batch_size=batch_size, errors_path=errors_path)
    else:
        tagger = Tagger(codebook_path, model=model)
        progress = _progress() if output and sys.stderr.isatty() else None
        summary = classify_files(inputs, output, fmt, read_options, tagger, lang=lang, errors_path=errors_path,
                                 batch_size=batch_size, on_record=progress, resume=resume,
                                 n_process=n_process or default_n_process())
        if progress:
            click.echo("", err=True)
    if summary_path:
        write_summary(summary, summary_path)
    click.echo(summary.describe(), err=True)
    if not summary.ok:
        sys.exit(1)


def _progress():
    count = [0]

    def tick(_record):
        count[0] += 1
        if count[0] % 500 == 0:
            click.echo(f"\r{count[0]:,} records written", err=True, nl=False)
    return tick


@main.command()
@click.argument("corpus", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Model directory to write.")
@click.option("--add", "corrections", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Corrected sentences (JSONL/CSV with text, move, frames) to train on as well.")
@click.option("--only-corrections", is_flag=True, help="Train on the corrections instead of CORPUS.")
@click.option("--cv", "folds", type=int, default=0, help="Also cross-validate (K document-grouped folds) for the card.")
@codebook_option
@fail_cleanly
def train(corpus, output, corrections, only_corrections, folds, codebook_path):
    """Train the move and frame classifiers on an annotated CORPUS and save them to a model directory."""
    from .corpus import codebook_examples, load_annotations, load_corpus
    from .training import train_model

    import pandas as pd

    codebook = load_codebook(codebook_path)
    tables = [] if only_corrections else [load_corpus(corpus, codebook), codebook_examples(codebook)]
    tables += [load_annotations(path, codebook) for path in corrections]
    if not tables:
        raise click.UsageError("--only-corrections needs at least one --add FILE")
    data = pd.concat(tables, ignore_index=True)
    command = "desec " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    train_model(data, codebook, output, command=command, cv_folds=folds)
    click.echo(f"trained on {len(data)} sentences; model written to {output}", err=True)


@main.command()
@click.argument("gold", type=click.Path(exists=True))
@click.option("--pred", type=click.Path(exists=True, dir_okay=False), help="Predictions (JSONL/CSV with id).")
@click.option("--cv", "folds", type=int, help="Cross-validate on GOLD (a corpus) with K document-grouped folds.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@codebook_option
@fail_cleanly
def evaluate(gold, pred, folds, as_json, codebook_path):
    """Score predictions against GOLD labels, or cross-validate the model on a corpus with --cv K."""
    from .corpus import load_annotations, load_corpus
    from .evaluate import cross_validate, evaluate_predictions, format_report

    codebook = load_codebook(codebook_path)
    if folds:
        result = cross_validate(load_corpus(gold, codebook), codebook, folds)
        text = "\n\n".join(f"[{name}]\n{format_report(result[name])}" for name in ("model", "rules"))
    elif pred:
        result = evaluate_predictions(load_annotations(gold, codebook), load_annotations(pred, codebook), codebook)
        text = format_report(result)
    else:
        raise click.UsageError("give --pred PRED (score predictions) or --cv K (cross-validate)")
    click.echo(json.dumps(result, indent=2) if as_json else text)


@main.group(invoke_without_command=True)
@codebook_option
@click.pass_context
@fail_cleanly
def codebook(ctx, codebook_path):
    """Show the active codebook (labels, definitions, cue counts)."""
    ctx.obj = codebook_path
    if ctx.invoked_subcommand is None:
        cb = load_codebook(codebook_path)
        click.echo(f"{cb.name} (version {cb.version}) — {cb.path}")
        click.echo("moves: " + ", ".join(cb.move_names))
        for frame in cb.frames:
            click.echo(f"  {frame.name}: {frame.definition}")
        click.echo("cues: " + ", ".join(f"{lang} {n}" for lang, n in cb.to_dict()["cues"].items()))


@main.command()
@click.option("-o", "--output", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False))
@model_option
@fail_cleanly
def demo(out_dir, model):
    """Run the whole job on the bundled corpus: classify, then tables, plots and an HTML report in OUT."""
    from .demo import run_demo

    for line in run_demo(out_dir, model=model):
        click.echo(line, err=True)


for _command in (report, shifts, kwic, *ANNOTATION_COMMANDS):
    main.add_command(_command)
for _command in CODEBOOK_COMMANDS:
    codebook.add_command(_command)

if __name__ == "__main__":
    main()
