"""The one PDF renderer: a template and its stylesheet through WeasyPrint, fetching nothing.

Documents are self-contained (styles inline, no image from the network): any URL WeasyPrint
would fetch — an `<img>` or `url()` slipped into user text, a `file://` path — is refused (the
resource is left out of the PDF), so a PDF can neither leak a server file nor make the server
call another host (SSRF).

Speed: WeasyPrint's user-agent stylesheet has six rules on pseudo-elements of *every* element
(`::marker`, `::footnote-call`, `::note-call`…), so each element of a document gets six extra
styles computed; on a 300-row table (4,500 cells) that is a sixth of the rendering. Our
documents use neither footnotes nor notes and have markers only on `li`: the renderer uses the
same stylesheet with those rules scoped to `li::marker` and the footnote/note ones left out
(`lean_ua_css`); the text and the layout of the PDF are the same.

A caller may also keep a PDF in the cache (`cache_for`), keyed by a hash of the HTML and the
stylesheet it was made from: the same content gives the same bytes, any change (a decision,
the date) gives a new key, so a cached PDF is never stale.
"""

import functools
import hashlib
import re
from collections.abc import Sequence

from django.core.cache import cache
from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"

# The A4 page, type, tables and footer shared by the portrait documents (accusé de réception,
# decision letter); each adds its own stylesheet after it.
PRINT_STYLESHEET = "core/print.css"

# A user-agent rule whose selector is a bare pseudo-element (`::marker { … }`).
_UNIVERSAL_PSEUDO_RULE = re.compile(r"^::([a-z-]+)\s*\{[^}]*\}\s*$", re.MULTILINE)


def lean_ua_css(ua: str) -> str:
    """WeasyPrint's user-agent stylesheet `ua`, its rules on every element's pseudo-elements
    scoped to what our documents use: `::marker` on list items, no footnotes or notes."""

    def scoped(match):
        return "li" + match.group(0) if match.group(1) == "marker" else ""

    return _UNIVERSAL_PSEUDO_RULE.sub(scoped, ua)


@functools.cache
def _html_class():
    from weasyprint import CSS, HTML  # heavy import: only when a PDF is made
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    # Its @counter-style rules are already in WeasyPrint's UA_COUNTER_STYLE, which documents
    # copy: parsed again into a throwaway dict (into that one they would be "redefined").
    lean = CSS(string=lean_ua_css(UA), counter_style=CounterStyle())

    class LeanHTML(HTML):
        def _ua_stylesheets(self, forms=False):  # WeasyPrint's hook (see tests/core/test_pdf.py)
            return [lean, *super()._ua_stylesheets(forms)[1:]]  # the forms' sheet unchanged

    return LeanHTML


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
    *,
    template: str,
    stylesheet: str | Sequence[str],
    context: dict,
    fetcher=None,
    cache_for: int | None = None,
) -> bytes:
    """Render `template` with `context` and the CSS template `stylesheet` to PDF bytes.

    `stylesheet` may be several CSS templates, applied in order (the later win), e.g.
    `(PRINT_STYLESHEET, "<the document's own>.css")`.
    `cache_for`: seconds to keep the PDF in the cache under the hash of its HTML and CSS.
    `fetcher` is for tests: a `new_fetcher()` whose `attempts` lists the URLs refused (never
    cached).
    """
    import weasyprint

    html = render_to_string(template, context)
    names = [stylesheet] if isinstance(stylesheet, str) else list(stylesheet)
    css_texts = [render_to_string(name, context) for name in names]
    key = None
    if cache_for and fetcher is None:
        digest = hashlib.sha256(
            "\0".join((weasyprint.__version__, html, *css_texts)).encode()
        ).hexdigest()
        key = f"pdf:{digest}"
        if (cached := cache.get(key)) is not None:
            return cached
    fetcher = fetcher or new_fetcher()
    css = [weasyprint.CSS(string=text, url_fetcher=fetcher) for text in css_texts]
    data = _html_class()(string=html, url_fetcher=fetcher).write_pdf(stylesheets=css)
    if key is not None:
        cache.set(key, data, cache_for)
    return data


def new_fetcher():
    return _fetcher_class()()
