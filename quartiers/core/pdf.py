"""The one PDF renderer: a template and its stylesheet through WeasyPrint, fetching nothing.

Documents are self-contained (styles inline, no image from the network): any URL WeasyPrint
would fetch — an `<img>` or `url()` slipped into user text, a `file://` path — is refused (the
resource is left out of the PDF), so a PDF can neither leak a server file nor make the server
call another host (SSRF).
"""

from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"


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


def render_pdf(*, template: str, stylesheet: str, context: dict, fetcher=None) -> bytes:
    """Render `template` with `context` and the CSS template `stylesheet` to PDF bytes.

    `fetcher` is for tests: a `new_fetcher()` whose `attempts` lists the URLs refused.
    """
    from weasyprint import CSS, HTML

    fetcher = fetcher or new_fetcher()
    html = render_to_string(template, context)
    css = CSS(string=render_to_string(stylesheet, context), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])


def new_fetcher():
    return _fetcher_class()()
