"""Codebook exchange: export the scheme as YAML/JSON for reading or editing."""
from __future__ import annotations

import json

import yaml

from .codebook import Codebook
from .errors import DesecError


def export_codebook(codebook: Codebook, target: str = "yaml") -> str:
    """Serialise the codebook's labels, definitions, examples and cue counts."""
    data = codebook.to_dict()
    if target == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if target == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    raise DesecError(f"unknown codebook export format '{target}'")
