"""Plain paragraphs out of Markdown (markdown-it-py) and HTML (BeautifulSoup).

Both return one paragraph per list item, with the line breaks inside a
paragraph joined, so that sentence splitting sees running text.
"""
from __future__ import annotations

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

_BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
           "figcaption", "caption"]
_DROP = ["script", "style", "noscript", "nav", "footer", "header", "aside", "form", "svg", "iframe"]
_markdown = MarkdownIt("commonmark")


def markdown_paragraphs(text: str) -> list[str]:
    """Paragraphs of a Markdown text: images dropped, links reduced to their words, markup removed."""
    paragraphs = []
    for token in _markdown.parse(text):
        if token.type == "inline":
            words = [" " if child.type in ("softbreak", "hardbreak") else child.content
                     for child in token.children or []
                     if child.type in ("text", "code_inline", "softbreak", "hardbreak")]
            paragraph = " ".join("".join(words).split())
            if paragraph:
                paragraphs.append(paragraph)
        elif token.type in ("fence", "code_block") and token.content.strip():
            paragraphs.append(" ".join(token.content.split()))
    return paragraphs


def html_paragraphs(html: str) -> tuple[list[str], dict]:
    """Paragraphs of an HTML page (boilerplate elements dropped) and metadata from <title> and <meta>."""
    soup = BeautifulSoup(html, "html.parser")
    meta = {}
    if soup.title and soup.title.string:
        meta["title"] = " ".join(soup.title.string.split())
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or "").lower().split(":")[-1]
        if name in ("date", "author", "speaker", "source", "genre", "language", "published_time") and tag.get("content"):
            key = {"author": "speaker", "language": "lang", "published_time": "date"}.get(name, name)
            meta[key] = tag["content"]
    for tag in soup.find_all(_DROP):
        tag.decompose()
    paragraphs = []
    for block in soup.find_all(_BLOCKS):
        if block.find(_BLOCKS):  # the innermost block carries the text
            continue
        paragraph = " ".join(block.get_text(" ").split())
        if paragraph:
            paragraphs.append(paragraph)
    if not paragraphs and soup.body:
        paragraphs = [" ".join(line.split()) for line in soup.body.get_text("\n").splitlines() if line.strip()]
    return paragraphs, meta
