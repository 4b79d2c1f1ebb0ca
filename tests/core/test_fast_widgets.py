"""The widgets written in Python give the markup of Django's widget templates."""

from html.parser import HTMLParser

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from quartiers.core.forms import FastNumberInput, FastSelect, FastTextarea, FastTextInput

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)


class _Markup(HTMLParser):
    """Tags with their attributes in any order, and the text between them."""

    def __init__(self, html):
        super().__init__()
        self.items = []
        self.feed(str(html))

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted(attrs, key=lambda a: a[0])))

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip("\n")))


def _normalised(html: str) -> list:
    return _Markup(html).items


PAIRS = [
    (FastNumberInput, forms.NumberInput),
    (FastTextInput, forms.TextInput),
    (FastTextarea, forms.Textarea),
]


@pytest.mark.parametrize("fast, django_widget", PAIRS)
@given(value=st.one_of(st.none(), TEXT), invalid=st.booleans())
def test_inputs_match_django(fast, django_widget, value, invalid):
    attrs = {"class": "q-cell", "rows": 3, "required": True, "disabled": False}
    if invalid:
        attrs["aria-invalid"] = "true"
    render = {"name": "amount", "value": value, "attrs": {"id": "id_amount"}}

    assert _normalised(fast(attrs=attrs).render(**render)) == _normalised(
        django_widget(attrs=attrs).render(**render)
    )


@given(
    choices=st.lists(st.tuples(TEXT, TEXT), max_size=6, unique_by=lambda c: c[0]),
    grouped=st.booleans(),
    chosen=st.one_of(st.none(), TEXT),
)
def test_select_matches_django(choices, grouped, chosen):
    if grouped and choices:
        choices = [("Groupe <1>", choices[: len(choices) // 2]), *choices[len(choices) // 2 :]]
    render = {"name": "outcome", "value": chosen, "attrs": {"id": "id_outcome"}}

    assert _normalised(FastSelect(choices=choices).render(**render)) == _normalised(
        forms.Select(choices=choices).render(**render)
    )
