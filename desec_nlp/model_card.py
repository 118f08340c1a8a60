"""A model card (Markdown) rendered from a model directory's ``meta.json``."""
from __future__ import annotations

from .atomic import write_text_atomic


def render_model_card(meta: dict) -> str:
    """What a scholar needs before trusting a model: data, codebook, versions, scores, how to re-compute them."""
    data = meta.get("training_data", {})
    lines = [
        f"# Model card: {meta.get('name', 'model')}",
        "",
        f"- created: {meta.get('created')}",
        f"- codebook: {meta['codebook']['name']} (version {meta['codebook']['version']}, "
        f"fingerprint `{meta['codebook']['fingerprint']}`)",
        f"- labels: moves {', '.join(meta['moves'])}; frames {', '.join(meta['frames'])}",
        f"- training data: {data.get('sentences')} sentences from {data.get('documents')} documents; "
        f"moves {data.get('moves')}",
        "- library versions: " + ", ".join(f"{k} {v}" for k, v in meta.get("library_versions", {}).items()),
        f"- estimator: logistic regression on rule evidence + word and character n-grams "
        f"(move: calibrated multiclass; frames: one-vs-rest); parameters {meta.get('params')}",
        f"- trained with: `{meta.get('command', '')}`",
        "",
    ]
    cv = meta.get("cross_validation")
    if cv:
        lines += [f"## Document-grouped {cv['folds']}-fold cross-validation on the training corpus", "",
                  "| tagger | move accuracy | move macro-F1 | frames micro-F1 | frames macro-F1 |",
                  "|---|---|---|---|---|"]
        for name in ("model", "rules"):
            result = cv[name]
            lines.append(f"| {name} | {result['move']['accuracy']:.3f} | {result['move']['macro_f1']:.3f} | "
                         f"{result['frames']['micro_f1']:.3f} | {result['frames']['macro_f1']:.3f} |")
        lines += ["", "Per label (model):", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for block in ("move", "frames"):
            for label, m in cv["model"][block]["per_label"].items():
                lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
        lines += ["", f"Re-compute: `{cv.get('command', 'desec evaluate corpus --cv 5')}`", ""]
    lines += ["## Limits", "",
              "Trained on sentences written by the project team in the style of real texts; scores on real",
              "speeches, press conferences and reports are lower than cross-validation on this corpus. See",
              "the README's accuracy section for the scores on real, held-out sentences.", ""]
    return "\n".join(lines)


def write_model_card(directory, meta: dict) -> None:
    write_text_atomic(f"{directory}/MODEL_CARD.md", render_model_card(meta))
