"""The one PDF renderer fetches nothing: no server file, no other host."""

import pytest
from django.template import engines

from quartiers.core import pdf


@pytest.fixture
def templates(tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    engines._engines = {}  # let the new DIRS take effect
    yield tmp_path
    engines._engines = {}


def test_renders_a_pdf(templates):
    (templates / "doc.html").write_text("<h1>{{ title }}</h1>")
    (templates / "doc.css").write_text("h1 { color: #000091; }")
    data = pdf.render_pdf(template="doc.html", stylesheet="doc.css", context={"title": "Lettre"})
    assert data.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "html", ['<img src="file:///etc/passwd">', '<img src="http://127.0.0.1:9/x.png">']
)
def test_refuses_every_fetch(templates, html):
    (templates / "doc.html").write_text(html)
    (templates / "doc.css").write_text("body { background: url(http://127.0.0.1:9/bg.png); }")
    fetcher = pdf.new_fetcher()
    data = pdf.render_pdf(template="doc.html", stylesheet="doc.css", context={}, fetcher=fetcher)
    assert data.startswith(b"%PDF-")
    assert len(fetcher.attempts) == 2  # the image and the background, both refused


def test_applies_several_stylesheets_in_order(templates):
    (templates / "doc.html").write_text("<h1>Lettre</h1>")
    (templates / "base.css").write_text(
        "body { background: url(http://127.0.0.1:9/a.png); }"
        " h1 { background: url(http://127.0.0.1:9/overridden.png); }"
    )
    (templates / "doc.css").write_text("h1 { background: url(http://127.0.0.1:9/b.png); }")
    fetcher = pdf.new_fetcher()
    data = pdf.render_pdf(
        template="doc.html", stylesheet=("base.css", "doc.css"), context={}, fetcher=fetcher
    )
    assert data.startswith(b"%PDF-")
    # both applied, the later winning: the h1's first background is never fetched
    assert sorted(fetcher.attempts) == ["http://127.0.0.1:9/a.png", "http://127.0.0.1:9/b.png"]


def test_the_portrait_documents_share_the_print_stylesheet():
    from quartiers.programming import letters, receipts

    for stylesheet in (receipts.STYLESHEET, letters.STYLESHEET):
        assert stylesheet[0] == pdf.PRINT_STYLESHEET
