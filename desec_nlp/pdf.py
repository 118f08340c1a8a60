"""PDF text through pdfminer.six, cleaned for sentence splitting.

Books such as a government's speech compilation have two columns, ligatures,
hyphenated line breaks, running heads and page numbers. pdfminer's layout
analysis orders the columns; here we drop what repeats at the top or bottom
of many pages, drop bare page numbers, and rejoin hyphenated and broken lines.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer

_PAGE_NUMBER = re.compile(r"^\s*(p(á|a)g(ina)?\.?\s*)?[\divxlc]{1,5}\s*$", re.I)
_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad]\n(\w)")
_MARGIN = 0.08  # share of the page height treated as header/footer band


def _signature(text: str) -> str:
    """Running heads differ only by page number: compare them without digits."""
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def repair_lines(text: str) -> str:
    """Join hyphenated line breaks ("seguri-\\ndad") and the lines of one paragraph."""
    text = unicodedata.normalize("NFKC", text)  # ligatures: "ﬁ" -> "fi"
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def extract_pdf_text(path: str) -> str:
    """Return the cleaned text of a PDF, one paragraph (text box) per line."""
    pages = []
    for page in extract_pages(path, laparams=LAParams()):
        height = page.height or 1.0
        boxes = []
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            text = element.get_text()
            if not text.strip():
                continue
            in_margin = element.y1 > height * (1 - _MARGIN) or element.y0 < height * _MARGIN
            boxes.append((text, in_margin))
        pages.append(boxes)
    repeated = Counter(_signature(t) for boxes in pages for t, margin in boxes if margin)
    threshold = max(3, len(pages) // 10)
    paragraphs = []
    for boxes in pages:
        for text, in_margin in boxes:
            if _PAGE_NUMBER.match(text) or (in_margin and repeated[_signature(text)] >= threshold):
                continue
            paragraphs.append(repair_lines(text))
    return "\n".join(p for p in paragraphs if p)
