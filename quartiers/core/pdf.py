"""The one PDF renderer: a template and its stylesheet through WeasyPrint, fetching nothing.

Documents are self-contained (styles inline, no image from the network): any URL WeasyPrint
would fetch — an `<img>` or `url()` slipped into user text, a `file://` path — is refused (the
resource is left out of the PDF), so a PDF can neither leak a server file nor make the server
call another host (SSRF).
"""

from collections.abc import Sequence

from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"

# The A4 page, type, tables and footer shared by the portrait documents (accusé de réception,
# decision letter); each adds its own stylesheet after it.
PRINT_STYLESHEET = "core/print.css"


def _fetcher_class():
    from weasyprint.urls import URLFetcher  # heavy import: only when a PDF is made

    class NoFetch(URLFetcher):
        attempts: list[str]

        def __init__(self):
            super().__init__(allowed_protocols=())
            self.attempts = []

        def fetch(self, url, headers=None):
            self.attempts.append(url)
            raise ValueError(f"Ce document PDF ne charge aucune ressource externe ({url}).")

    return NoFetch


def render_pdf(
    *, template: str, stylesheet: str | Sequence[str], context: dict, fetcher=None
) -> bytes:
    """Render `template` with `context` and the CSS template `stylesheet` to PDF bytes.

    `stylesheet` may be several CSS templates, applied in order (the later win), e.g.
    `(PRINT_STYLESHEET, "<the document's own>.css")`.
    `fetcher` is for tests: a `new_fetcher()` whose `attempts` lists the URLs refused.
    """
    from weasyprint import CSS, HTML

    fetcher = fetcher or new_fetcher()
    html = render_to_string(template, context)
    names = [stylesheet] if isinstance(stylesheet, str) else list(stylesheet)
    css = [CSS(string=render_to_string(name, context), url_fetcher=fetcher) for name in names]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=css)


def new_fetcher():
    return _fetcher_class()()
