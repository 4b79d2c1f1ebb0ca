import re

import pytest
from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def shown_engagements(response) -> list[int]:
    """Numbers of the engagements shown as rows of the matrix, in page order."""
    rows = soup(response).select('tr[id^="engagement-"]')
    return [int(re.fullmatch(r"engagement-(\d+)", row["id"]).group(1)) for row in rows]


@pytest.fixture
def contract_urls(loriol):
    slug = loriol.slug
    return {
        "contract-detail": f"/contrats/{slug}/",
        "matrix": f"/contrats/{slug}/engagements/",
        "partner-detail": f"/contrats/{slug}/partenaires/CAF/",
        "glossary": f"/contrats/{slug}/glossaire/",
        "source-document": f"/contrats/{slug}/document/",
    }


def text_of(node) -> str:
    """The visible text of a node, whitespace collapsed."""
    return " ".join(node.get_text(" ").split())
