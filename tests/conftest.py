"""Shared fixtures: tiny inputs written on the fly, the shipped codebook, a rules-only tagger."""
from __future__ import annotations

from pathlib import Path

import pytest

from desec_nlp import Tagger, load_codebook

DATA = Path(__file__).parent / "data"
MINI_CODEBOOK = DATA / "mini_codebook" / "codebook.yaml"  # a small codebook: two frames, few cues


@pytest.fixture(scope="session")
def codebook():
    return load_codebook()


@pytest.fixture(scope="session")
def mini():
    """The small test codebook, loaded once."""
    return load_codebook(MINI_CODEBOOK)


@pytest.fixture(scope="session")
def rules_tagger(codebook):
    return Tagger(codebook, model="rules")


@pytest.fixture(scope="session")
def model_tagger(codebook):
    return Tagger(codebook, model="default")


@pytest.fixture
def data_dir() -> Path:
    return DATA


def tag_one(tagger: Tagger, text: str, lang: str) -> dict:
    """Tag ``text`` as one unit and return its record."""
    [record] = tagger.tag_texts([text], lang=lang)
    return record
