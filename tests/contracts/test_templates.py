"""Template rules: DSFR markup only in components and the layout, no inline script or style."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "quartiers" / "templates"
PAGES = sorted((TEMPLATES / "contracts").glob("*.html"))
COMPONENTS = sorted((TEMPLATES / "components").glob("*.html"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_use_components_for_dsfr_markup(path):
    assert not re.search(r"\bfr-[a-z]", path.read_text()), "use a component"


@pytest.mark.parametrize(
    "path", [*PAGES, *COMPONENTS, TEMPLATES / "base.html"], ids=lambda p: p.name
)
def test_no_inline_script_or_style(path):
    text = path.read_text()
    assert not re.search(r"\sstyle=|\son[a-z]+=|<script|<style", text)


@pytest.mark.parametrize("path", COMPONENTS, ids=lambda p: p.name)
def test_components_list_their_parameters(path):
    assert path.read_text().startswith("{% comment %}")
