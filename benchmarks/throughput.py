"""Throughput of ``desec classify`` beside the limits of its building blocks, on one corpus.

    python benchmarks/throughput.py --sentences 100000          # synthetic bilingual corpus
    python benchmarks/throughput.py --path ../shared/corpora/mananeras-amlo   # real files

Configurations, each run in its own subprocess so that its peak memory is its own:

* ``tokenizer``: spaCy's blank tokenizer plus sentencizer over the raw text of the same files
  (one process): the practical limit of any spaCy pipeline;
* ``read+tokenizer``: desec's own readers (Markdown and HTML to paragraphs, speaker turns,
  metadata), then the same tokenizer pass over the text they give (one process; the child's
  CPU time for reading and for tokenizing are in the JSON output);
* ``regex``: a plain regular-expression keyword tagger built from the codebook's frame cues
  (sentences split on end punctuation, one alternation per frame; one process);
* ``desec-rules`` and ``desec-default``: ``desec classify DIR -o OUT`` with ``--model rules``
  and the shipped model, end to end (start-up, reading, tagging, writing), with
  ``--n-process`` processes.

Sentences per second count each configuration's own units; tokens per second divide the
corpus's spaCy token count by the wall time. Start-up (imports, loading the model) is the wall
time of the same configuration on a 10-sentence corpus; "after start-up" subtracts it. Peak memory is sampled (every 0.1 s) over the
configuration's process tree: the sum of RSS (shared pages counted once per process) and the
sum of PSS (shared pages split between the processes that share them; Linux); the largest
single process's peak RSS is what ``/usr/bin/time -v`` reports. CPU s is user + system time of
the configuration and the worker processes it waited for. The load average (1 minute) at the
end of each run tells how busy the machine was with other work. Prints a
Markdown table. Needs psutil (installed with the ``dask`` extra).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

CONFIGS = ("tokenizer", "read+tokenizer", "regex", "desec-rules", "desec-default")
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
SENTENCES_PER_FILE = 500

# Sentence templates; the codebook's own example sentences are mixed in as well.
TEMPLATES = {
    "es": [
        "El {role} de {place} informó que {number} personas participaron en la reunión del {day}.",
        "En {place} se inauguró una escuela con {number} aulas y un comedor comunitario.",
        "Las fuerzas armadas desplegaron {number} elementos en {place} para combatir a los cárteles.",
        "Vamos a atender las causas de la violencia con becas y empleo para los jóvenes de {place}.",
        "No vamos a declarar la guerra a nadie; la paz es fruto de la justicia.",
        "El {role} anunció el programa de vivienda para {number} familias de {place}.",
        "La delincuencia organizada es una amenaza para la seguridad nacional, dijo el {role}.",
        "Se presentó el informe sobre la corrupción y la impunidad en las policías de {place}.",
        "El precio del maíz subió {number} centavos en los mercados de {place} el {day}.",
        "Abrazos, no balazos: esa es la estrategia en {place}.",
    ],
    "en": [
        "The {role} of {place} said that {number} people attended the meeting on {day}.",
        "A new school with {number} classrooms opened in {place} last week.",
        "The army deployed {number} troops to {place} to fight the cartels.",
        "We will attend to the root causes of violence with scholarships and jobs in {place}.",
        "We will not declare war on anyone; peace is the fruit of justice.",
        "The {role} announced a housing program for {number} families in {place}.",
        "Organized crime is a threat to national security, the {role} said.",
        "The report on corruption and impunity in the police of {place} was released.",
        "Corn prices rose by {number} cents in the markets of {place} on {day}.",
        "The United States and Mexico agreed to cooperate on extradition and arms trafficking.",
    ],
}
FILLERS = {
    "role": {"es": ["gobernador", "secretario", "alcalde", "presidente", "fiscal"],
             "en": ["governor", "secretary", "mayor", "president", "attorney general"]},
    "place": ["Sinaloa", "Michoacán", "Guerrero", "Chihuahua", "Tamaulipas", "Oaxaca", "Jalisco", "Sonora"],
    "day": {"es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]},
}


def make_corpus(n_sentences: int, directory: Path, seed: int = 7) -> Path:
    """Write ``n_sentences`` synthetic sentences (half Spanish, half English) as text files of 500 sentences."""
    from desec_nlp import load_codebook

    rng = random.Random(seed)
    examples = {lang: [e.text for e in load_codebook().examples if e.lang == lang] for lang in TEMPLATES}
    directory.mkdir(parents=True, exist_ok=True)
    written, index = 0, 0
    while written < n_sentences:
        lang = "es" if index % 2 == 0 else "en"
        count = min(SENTENCES_PER_FILE, n_sentences - written)
        paragraphs, paragraph = [], []
        for _ in range(count):
            if rng.random() < 0.2 and examples[lang]:
                sentence = rng.choice(examples[lang])
            else:
                sentence = rng.choice(TEMPLATES[lang]).format(
                    role=rng.choice(FILLERS["role"][lang]), place=rng.choice(FILLERS["place"]),
                    number=rng.randint(2, 5000), day=rng.choice(FILLERS["day"][lang]))
            paragraph.append(sentence)
            if len(paragraph) == 5:
                paragraphs.append(" ".join(paragraph))
                paragraph = []
        if paragraph:
            paragraphs.append(" ".join(paragraph))
        (directory / f"doc{index:06d}-{lang}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        written += count
        index += 1
    return directory


def corpus_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)


# ---- the configurations that run inside a child process -------------------------------------------

def run_tokenizer(path: Path) -> dict:
    import spacy
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(["es", "en"])
    pipelines = {}
    sentences = tokens = 0
    for file in corpus_files(path):
        text = file.read_text(encoding="utf-8", errors="replace")
        lang = identifier.classify(text[:5000])[0]
        if lang not in pipelines:
            pipelines[lang] = spacy.blank(lang)
            pipelines[lang].max_length = 50_000_000
            pipelines[lang].add_pipe("sentencizer")
        doc = pipelines[lang](text)
        tokens += len(doc)
        sentences += sum(1 for _ in doc.sents)
    return {"sentences": sentences, "tokens": tokens}


def run_read_tokenizer(path: Path) -> dict:
    """desec's readers (Markdown/HTML to paragraphs, speaker turns, metadata), then the same tokenizer pass."""
    import spacy
    from desec_nlp.documents import Document
    from desec_nlp.language import detect_language
    from desec_nlp.readers import read_documents

    started = time.process_time()
    documents = [d for d in read_documents([str(path)]) if isinstance(d, Document)]
    read = time.process_time() - started
    pipelines = {}
    sentences = tokens = 0
    for document in documents:
        lang = detect_language(document.text, ("es", "en"))
        if lang not in pipelines:
            pipelines[lang] = spacy.blank(lang)
            pipelines[lang].max_length = 50_000_000
            pipelines[lang].add_pipe("sentencizer")
        doc = pipelines[lang](document.text)
        tokens += len(doc)
        sentences += sum(1 for _ in doc.sents)
    return {"sentences": sentences, "tokens_read": tokens, "read_cpu": read,
            "tokenize_cpu": time.process_time() - started - read}


def run_regex(path: Path) -> dict:
    """Frame labels per sentence from the codebook's phrase cues, with nothing but ``re``."""
    from desec_nlp import load_codebook

    codebook = load_codebook()
    phrases: dict[str, set[str]] = {}
    for cue in codebook.cues:
        if cue.kind == "frame" and isinstance(cue.pattern, str):
            phrases.setdefault(cue.label, set()).add(re.escape(cue.pattern.lower()))
    frames = {label: re.compile(r"\b(?:" + "|".join(sorted(p, key=len, reverse=True)) + r")\b")
              for label, p in phrases.items()}
    splitter = re.compile(r"(?<=[.!?])\s+|\n+")
    sentences = tagged = 0
    for file in corpus_files(path):
        for sentence in splitter.split(file.read_text(encoding="utf-8", errors="replace").lower()):
            if sentence.strip():
                sentences += 1
                tagged += any(pattern.search(sentence) for pattern in frames.values())
    return {"sentences": sentences, "with_frame": tagged}


# ---- the parent: run each configuration in a subprocess and sample its memory ---------------------

def _pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def measure(command: list[str]) -> dict:
    """Run ``command``: wall and CPU time, and peak memory summed over its process tree."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = psutil.Popen(command, stdout=out, stderr=err, text=True)
        peak_rss = peak_pss = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            try:
                tree = [child] + child.children(recursive=True)
                peak_rss = max(peak_rss, sum(p.memory_info().rss for p in tree) // 1024)
                pss = [_pss_kb(p.pid) for p in tree]
                if all(v is not None for v in pss):
                    peak_pss = max(peak_pss, sum(pss))
            except psutil.Error:
                pass
            time.sleep(0.1)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed ({os.waitstatus_to_exitcode(status)}):\n{stderr[-2000:]}")
    # ru_* cover the process and the workers it waited for; ru_maxrss is the largest single process
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "max_process_rss_mb": usage.ru_maxrss / 1024,
            "peak_rss_mb": peak_rss / 1024, "peak_pss_mb": peak_pss / 1024 if peak_pss else None,
            "load": os.getloadavg()[0], "stdout": stdout, "stderr": stderr}


def run_config(name: str, corpus: Path, workdir: Path, n_process: int, batch_size: int) -> dict:
    python = sys.executable
    if name in ("tokenizer", "read+tokenizer", "regex"):
        result = measure([python, __file__, "--child", name, "--path", str(corpus)])
        counts = json.loads(result["stdout"].strip().splitlines()[-1])
    else:
        output = workdir / f"{name}.jsonl"
        model = name.split("-", 1)[1]
        result = measure([python, "-m", "desec_nlp", "classify", str(corpus), "-o", str(output), "--model", model,
                          "--n-process", str(n_process), "--batch-size", str(batch_size)])
        with open(output, "rb") as stream:
            counts = {"sentences": sum(1 for _ in stream)}
        output.unlink()
    return {**result, **counts}


def machine() -> str:
    import spacy

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.1f} GB RAM, "
            f"Python {platform.python_version()}, spaCy {spacy.__version__}, load average before the run "
            f"{os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=100_000, help="size of the synthetic corpus")
    parser.add_argument("--path", type=Path, help="real text files (a directory) instead of a synthetic corpus")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset of " + ", ".join(CONFIGS))
    parser.add_argument("--n-process", type=int, default=psutil.cpu_count(), help="processes for desec classify")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        children = {"tokenizer": run_tokenizer, "read+tokenizer": run_read_tokenizer, "regex": run_regex}
        print(json.dumps(children[args.child](args.path)))
        return
    with tempfile.TemporaryDirectory(prefix="desec-bench-") as tmp:
        workdir = Path(tmp)
        corpus = args.path or make_corpus(args.sentences, workdir / "corpus")
        label = str(args.path) if args.path else f"synthetic, {args.sentences:,} sentences (es+en)"
        print(f"corpus: {label}\nmachine: {machine()}\n", file=sys.stderr)
        tiny = make_corpus(10, workdir / "tiny")
        results = {}
        for name in args.configs.split(","):
            startup = run_config(name, tiny, workdir, args.n_process, args.batch_size)["wall"]
            results[name] = {**run_config(name, corpus, workdir, args.n_process, args.batch_size), "startup": startup}
            print(f"{name}: {results[name]['wall']:.1f} s (start-up {startup:.1f} s)", file=sys.stderr)
    tokens = results.get("tokenizer", {}).get("tokens")
    base = results.get("tokenizer", {}).get("wall")
    print(f"Corpus: {label}. Machine: {machine()}. desec: --n-process {args.n_process} "
          f"--batch-size {args.batch_size}.\n")
    print("| configuration | processes | wall s | CPU s | start-up s | sentences | sentences/s | sentences/s "
          "after start-up | tokens/s | x tokenizer time | peak RSS MB (sum) | peak PSS MB (sum) "
          "| largest process RSS MB | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        processes = args.n_process if name.startswith("desec") else 1
        per_token = f"{tokens / r['wall']:,.0f}" if tokens else "n/a"
        ratio = f"{r['wall'] / base:.2f}" if base else "n/a"
        pss = f"{r['peak_pss_mb']:,.0f}" if r["peak_pss_mb"] else "n/a"
        steady = f"{r['sentences'] / (r['wall'] - r['startup']):,.0f}" if r["wall"] > 2 * r["startup"] else "n/a"
        print(f"| {name} | {processes} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['startup']:.1f} | {r['sentences']:,} "
              f"| {r['sentences'] / r['wall']:,.0f} | {steady} | {per_token} | {ratio} | {r['peak_rss_mb']:,.0f} "
              f"| {pss} | {r['max_process_rss_mb']:,.0f} | {r['load']:.1f} |")
    if "read+tokenizer" in results:
        r = results["read+tokenizer"]
        print(f"\nread+tokenizer: reading {r['read_cpu']:.1f} CPU s, tokenizing {r['tokenize_cpu']:.1f} CPU s.")
    if args.json:
        slim = {k: {m: v for m, v in r.items() if m not in ("stdout", "stderr")} for k, r in results.items()}
        args.json.write_text(json.dumps({"corpus": label, "machine": machine(), "tokens": tokens,
                                         "results": slim}, indent=2))


if __name__ == "__main__":
    main()
