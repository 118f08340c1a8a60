"""Per-document language identification restricted to the codebook's languages (py3langid)."""
from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(text: str, languages: tuple[str, ...] | list[str]) -> str:
    """Return the most likely of ``languages`` for ``text`` (the first one when there is only one).

    Only the first 5,000 characters are read: enough for a document, and cheap.
    """
    languages = tuple(languages)
    if len(languages) == 1 or not text.strip():
        return languages[0]
    return _identifier(languages).classify(text[:5000])[0]
