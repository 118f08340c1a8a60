"""The Tagger: codebook + per-language spaCy pipelines + (optionally) the learned model.

``Tagger.tag_documents`` streams Documents in and yields one record (a plain
dict) per unit: id, doc_id, sent_index, text, lang, move, frames, cues,
confidence and the document's metadata. Documents are processed in batches
through ``nlp.pipe`` and the model predicts a whole batch at once
(:class:`~desec_nlp.batch_predict.BatchPredictor`).

Tagging a batch (:meth:`Tagger.tag_batch`) depends on nothing but the batch, so
batches can go to other processes (:mod:`desec_nlp.parallel`); numbering the
units of a document that spans batches (:class:`UnitNumbering`) is done in input
order by whoever collects the results.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language

from .codebook import Codebook, load_codebook
from .documents import Document, Problem
from .batch_predict import BatchPredictor
from .errors import DesecError, ModelError
from .features import feature_rows
from .language import detect_language
from .model import SentenceClassifier, load_model
from .pipeline import build_pipeline
from .rules import SentenceTag
from .writers import EncodedDocument, EncodedRecord

RULES = "rules"
DEFAULT_MODEL = "default"


def default_model_dir() -> Path:
    """The shipped model: ``$DESEC_MODEL_DIR``, else ``models/default`` (installed with the package or in the repo)."""
    if os.environ.get("DESEC_MODEL_DIR"):
        return Path(os.environ["DESEC_MODEL_DIR"])
    try:
        packaged = Path(str(resources.files("desec_nlp.models") / DEFAULT_MODEL))
        if packaged.is_dir():
            return packaged
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL


class Tagger:
    """Tag sentences with a move, frames and the cue spans behind them.

    Parameters
    ----------
    codebook : Codebook, path or None
        the annotation scheme (the shipped one when None).
    model : "default", "rules", or a model directory
        "rules" uses the rule tagger alone; otherwise the learned model decides the labels
        and the cue spans stay as evidence.
    """

    def __init__(self, codebook: Codebook | str | Path | None = None, model: str | Path = DEFAULT_MODEL):
        self.codebook = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        self._pipelines: dict[str, Language] = {}
        self.model_name = str(model)
        self.model: SentenceClassifier | None = None
        if str(model) != RULES:
            directory = default_model_dir() if str(model) == DEFAULT_MODEL else Path(model)
            if str(model) == DEFAULT_MODEL and not directory.is_dir():
                raise ModelError(f"the default model is missing at {directory}; run 'make model' "
                                 "(or 'desec train corpus -o models/default') or use --model rules")
            self.model = load_model(directory, self.codebook)
        self._predictor = BatchPredictor(self.model) if self.model is not None else None

    def pipeline(self, lang: str) -> Language:
        """The spaCy pipeline for ``lang`` (built once, on first use)."""
        if lang not in self.codebook.languages:
            raise DesecError(f"language '{lang}' is not in the codebook's languages {list(self.codebook.languages)}")
        if lang not in self._pipelines:
            self._pipelines[lang] = build_pipeline(self.codebook, lang)
        return self._pipelines[lang]

    def language_of(self, text: str, lang: str = "auto") -> str:
        return detect_language(text, self.codebook.languages) if lang == "auto" else lang

    def tag_texts(self, texts: list[str], lang: str = "auto", unit: str = "row") -> list[dict]:
        """Tag a list of strings (each one unit by default); convenient in notebooks."""
        docs = [Document(str(i), text) for i, text in enumerate(texts)]
        return [r for r in self.tag_documents(docs, lang=lang, unit=unit) if isinstance(r, dict)]

    def warm_up(self) -> "Tagger":
        """Build every language's pipeline and the language identifier now (before forking workers)."""
        for language in self.codebook.languages:
            self.pipeline(language)
        detect_language("warm up", self.codebook.languages)
        return self

    def tag_documents(self, documents: Iterable[Document | Problem], lang: str = "auto", unit: str = "sentence",
                      batch_size: int = 64) -> Iterator[dict | Problem]:
        """Yield a record per unit, in input order; Problems pass through so the caller can account for them."""
        numbering = UnitNumbering(unit)
        for batch in batched(documents, batch_size):
            for result in self.tag_batch(batch, lang, unit):
                yield from numbering.number(result)

    def rule_tags(self, texts: list[str], langs: list[str], split: bool = True) -> list[list[SentenceTag]]:
        """Run the spaCy pipeline of each text's language; one list of sentence tags per text.

        With ``split=False`` each text is one unit (no sentence splitting).
        """
        tagged: list[list[SentenceTag]] = [[] for _ in texts]
        for language in sorted(set(langs)):
            members = [i for i, code in enumerate(langs) if code == language]
            nlp = self.pipeline(language)
            disabled = [] if split else ["sentencizer", "desec_paragraph_breaks"]
            with nlp.select_pipes(disable=disabled):
                for i, spacy_doc in zip(members, nlp.pipe(texts[i] for i in members)):
                    tagged[i] = spacy_doc._.desec
        return tagged

    def tag_batch(self, batch: list[Document | Problem], lang: str = "auto",
                  unit: str = "sentence") -> list[list[dict] | Problem]:
        """One result per input item: the records of a Document, or a Problem.

        ``sent_index`` counts from 0 within each Document; :class:`UnitNumbering` makes it
        count across the Documents that share an id.
        """
        docs = [d for d in batch if isinstance(d, Document)]
        langs = [self.language_of(d.text, d.meta.get("lang") or lang) if lang == "auto" else lang for d in docs]
        tagged = self.rule_tags([d.text for d in docs], langs, split=unit == "sentence")
        units = [(i, tag) for i in range(len(docs)) for tag in tagged[i]]
        texts = [docs[i].text[tag.start_char:tag.end_char] for i, tag in units]
        if self._predictor is not None:
            rows = feature_rows([tag for _, tag in units], texts, [langs[i] for i, _ in units])
            moves, frames, confidences = self._predictor.predict(rows)
        else:
            moves = [tag.move for _, tag in units]
            frames = [tag.frames for _, tag in units]
            confidences = [tag.confidence for _, tag in units]
        records: list[list[dict]] = [[] for _ in docs]
        for k, (i, tag) in enumerate(units):
            doc = docs[i]
            index = len(records[i])
            record = {"id": doc.unit_id or doc.id, "doc_id": doc.id, "sent_index": index, "text": texts[k],
                      "lang": langs[i], "move": moves[k], "frames": frames[k], "cues": tag.cues,
                      "confidence": confidences[k]}
            for key, value in doc.meta.items():
                record.setdefault(key, value)
            records[i].append(record)
        results: list[list[dict] | Problem] = []
        position = 0
        for item in batch:
            if isinstance(item, Document):
                results.append(records[position] or
                               Problem(item.path, item.line, "no text to classify after cleaning; unit skipped",
                                       "no_text_after_cleaning"))
                position += 1
            else:
                results.append(item)
        return results


class UnitNumbering:
    """Number units across the Documents that share an id, in input order.

    Sentence ids are ``doc_id:n`` with ``n`` counting on from the previous Document of
    the same id (a transcript's speaker turns); rows and whole documents keep their id.
    """

    def __init__(self, unit: str, counters: dict[str, int] | None = None):
        self.unit = unit
        self.counters = counters if counters is not None else {}

    def number(self, result: list[dict] | EncodedDocument | Problem) -> list[dict] | list[EncodedRecord] | list[Problem]:
        """The records of one :meth:`Tagger.tag_batch` result, renumbered in place (or the Problem).

        An :class:`~desec_nlp.writers.EncodedDocument` gives its numbered JSON lines.
        """
        if isinstance(result, Problem):
            return [result]
        if isinstance(result, EncodedDocument):
            return result.numbered(self._reserve(result.doc_id, len(result.rests)), self.unit == "sentence")
        if not result:
            return result
        doc_id = result[0]["doc_id"]
        offset = self._reserve(doc_id, len(result))
        for record in result:
            record["sent_index"] += offset
            if self.unit == "sentence":
                record["id"] = f"{doc_id}:{record['sent_index']}"
        return result

    def _reserve(self, doc_id: str, count: int) -> int:
        """The first ``sent_index`` of the next ``count`` records of ``doc_id``."""
        offset = self.counters.get(doc_id, 0)
        self.counters[doc_id] = offset + count
        return offset


BATCH_CHARS = 200_000  # a batch also ends at this much text: long documents make small batches


def batched(items: Iterable, size: int, max_chars: int = BATCH_CHARS) -> Iterator[list]:
    """Lists of up to ``size`` items and about ``max_chars`` characters of Document text, lazily.

    The character bound keeps a batch's memory (and a worker's share of the work) about the
    same whether documents are tweets or whole transcripts.
    """
    batch, chars = [], 0
    for item in items:
        batch.append(item)
        chars += len(item.text) if isinstance(item, Document) else 0
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch
