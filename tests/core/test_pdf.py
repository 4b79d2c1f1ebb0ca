"""The one PDF renderer fetches nothing: no server file, no other host."""

import subprocess

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


def test_lean_user_agent_stylesheet_only_scopes_the_pseudo_element_rules():
    from weasyprint.html import UA

    lean = pdf.lean_ua_css(UA)
    removed = [line for line in UA.splitlines() if line.startswith("::")]
    assert removed, "WeasyPrint's user-agent stylesheet changed: review lean_ua_css"
    assert not [line for line in lean.splitlines() if line.startswith("::")]
    assert "li::marker {" in lean
    kept = [line for line in UA.splitlines() if not line.startswith("::")]
    assert [line for line in lean.splitlines() if line and not line.startswith("li::")] == [
        line for line in kept if line
    ]


def test_the_renderer_replaces_weasyprint_user_agent_stylesheet():
    import weasyprint

    # The hook we override must exist: if WeasyPrint renames it, PDFs stay right but slow.
    assert "_ua_stylesheets" in vars(weasyprint.HTML)
    sheets = pdf._html_class()(string="<p>x</p>")._ua_stylesheets()
    assert sheets[0] is not weasyprint.html.UA_STYLESHEET


def test_lists_keep_their_markers(templates, tmp_path):
    (templates / "doc.html").write_text("<ul><li>Un</li></ul><ol><li>Deux</li></ol>")
    (templates / "doc.css").write_text("")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf.render_pdf(template="doc.html", stylesheet="doc.css", context={}))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "• Un" in text
    assert "1. Deux" in text


@pytest.mark.django_db
def test_a_cached_pdf_is_made_once_per_content(templates, monkeypatch):
    (templates / "doc.html").write_text("<h1>{{ title }}</h1>")
    (templates / "doc.css").write_text("h1 { color: #000091; }")
    made = []
    real = pdf._html_class

    def counting():
        made.append(1)
        return real()

    monkeypatch.setattr(pdf, "_html_class", counting)

    def render(title, **kwargs):
        return pdf.render_pdf(
            template="doc.html", stylesheet="doc.css", context={"title": title}, **kwargs
        )

    first = render("Lettre", cache_for=60)
    assert render("Lettre", cache_for=60) == first
    assert len(made) == 1
    assert render("Autre lettre", cache_for=60) != first  # new content, new PDF
    assert len(made) == 2
    render("Lettre")  # without cache_for: always made
    render("Lettre", cache_for=60, fetcher=pdf.new_fetcher())  # a test's fetcher: made
    assert len(made) == 4
