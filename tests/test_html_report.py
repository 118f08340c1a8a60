"""The HTML report: self-contained, escaped, cue spans highlighted, and rendered by a real headless Chromium."""
from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from desec_nlp import Tagger
from desec_nlp.documents import Document
from desec_nlp.html_report import highlight_sentence, label_colours, render_report
from desec_nlp.kwic import pick_examples
from desec_nlp.periods import add_periods
from desec_nlp.plots import report_figures
from desec_nlp.shifts import shift_tests
from desec_nlp.tables import frame_table

CALDERON = "Vamos a declarar la guerra con el Ejército. Hay que desplegar al ejército en Michoacán. Fin."
AMLO = "Abrazos, no balazos. No vamos a declarar la guerra. Abrazos y becas."



@pytest.fixture(scope="module")
def html(mini):
    tagger = Tagger(mini, model="rules")
    docs = [Document(f"c{i}", CALDERON, meta={"date": f"200{8 + i % 2}-03-0{1 + i}", "speaker": "Calderón",
                                                 "source": "Presidencia"}) for i in range(3)]
    docs += [Document(f"a{i}", AMLO, meta={"date": f"202{i}-06-01", "speaker": "López Obrador",
                                              "source": "Mañanera"}) for i in range(3)]
    records = add_periods(pd.DataFrame(list(tagger.tag_documents(docs, lang="es"))), "administration")
    table = frame_table(records, mini, n_boot=200)
    shifts = shift_tests(table, mini)
    figures = report_figures(table, mini)
    return render_report(table, shifts, pick_examples(records, mini, per_label=2), mini, figures,
                         title="Test report")


def test_self_contained(html):
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.string == "Test report"
    assert not soup.find_all(["script", "link", "iframe"])
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:image/png;base64,")
    assert not [tag for tag in soup.find_all(href=True)]
    images = soup.find_all("img")
    assert len(images) == 2 and all(img.get("alt") for img in images)
    assert base64.b64decode(images[0]["src"].split(",", 1)[1])[:4] == b"\x89PNG"


def test_escapes_sentence_text(mini):
    text = "El <script>alert(1)</script> es la guerra."
    cues = [{"label": "frame:war_military", "text": "guerra", "start": 35, "end": 41}]
    markup = highlight_sentence(text, cues, "es", label_colours(mini))
    assert "<script>" not in markup and "&lt;script&gt;" in markup.replace(" ", "")
    assert BeautifulSoup(markup, "html.parser").find("script") is None


def test_sections_table_and_shifts(html):
    soup = BeautifulSoup(html, "html.parser")
    headings = [h.get_text() for h in soup.find_all("h2")]
    assert headings == ["Plots", "Shifts between periods", "Table", "Example sentences per label"]
    rows = soup.find("table", class_="data").find_all("tr")
    assert [r.find("td").get_text() for r in rows[1:]] == ["Calderón", "López Obrador"]
    assert "the securitization balance fell from +1.00 to -1.00 between Calderón and López Obrador" in \
        soup.find("ul", class_="shifts").get_text()


def test_examples_have_highlighted_cue_spans(html):
    soup = BeautifulSoup(html, "html.parser")
    examples = soup.find_all("div", class_="example")
    assert {h.get_text() for h in soup.find_all("h3")} == {"move: securitizing", "move: desecuritizing",
                                                           "frame: war_military", "frame: peace_reconciliation"}
    labelled = " ".join(e.get_text(" ", strip=True) for e in examples)
    assert "frame:war_military" in labelled and "move:desecuritizing" in labelled
    # date · speaker · source · period
    assert re.search(r"200[89]-03-0[1-3] · Calderón · Presidencia · Calderón", labelled)


def test_highlight_sentence_marks_the_cue_tokens(mini):
    text = "Vamos a declarar la guerra."
    cues = [{"label": "move:securitizing", "text": "declarar la guerra", "start": 108, "end": 126},
            {"label": "frame:war_military", "text": "guerra", "start": 120, "end": 126, "negated": True}]
    markup = highlight_sentence(text, cues, "es", label_colours(mini))
    soup = BeautifulSoup(markup, "html.parser")
    assert "frame:war_military (negated)" in soup.get_text()
    # each highlighted token sits in its own bold inline-block span with a coloured underline
    bold = [s for s in soup.find_all("span") if "inline-block" in s.get("style", "")]
    assert [s.find(string=True, recursive=False).strip() for s in bold] == ["declarar", "la", "guerra"]
    assert label_colours(mini)["move:securitizing"].lower() in markup.lower()


def _browser() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def test_renders_in_headless_chromium(html, tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium found (/usr/bin/chromium or 'chromium' on PATH); "
                    "install Debian's chromium to run this browser check")
    page, shot = tmp_path / "report.html", tmp_path / "screenshot.png"
    page.write_text(html, encoding="utf-8")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
             f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", "--window-size=1280,2400"]
    result = subprocess.run(flags + [f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:4] == b"\x89PNG"
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2400, 1280)
    # the embedded plots were decoded and drawn: the Okabe-Ito blue of the first line is on screen
    blue = np.array([0x00, 0x72, 0xB2]) / 255
    assert (np.abs(pixels - blue).max(axis=2) < 0.03).sum() > 200
    dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180)
    assert "Example sentences per label" in dom.stdout and "frame:war_military" in dom.stdout
