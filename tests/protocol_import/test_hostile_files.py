"""Hostile files: zip bombs, deep XML, huge tables, pathological text, damaged archives.

Each refused one ends in a French `DocumentError` naming the file, and `apply_import` writes
nothing. The bounds live in `protocol_import/limits.py`; `bench/importer_worst_cases.py`
prints the time and memory of the same inputs. No assertion here depends on the clock.
"""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quartiers.contracts.models import Contract
from quartiers.protocol_import import limits
from quartiers.protocol_import.documents import DocumentError, read_document
from quartiers.protocol_import.extraction import extract
from quartiers.protocol_import.services import apply_import
from tests.conftest import SEED
from tests.protocol_import import hostile

ROOT = Path(__file__).resolve().parents[2]

# What each refusal says, besides the file's name.
EXPECTED = {
    "docx_zip_bomb": "archive décompressée ferait",
    "docx_high_ratio": "compressé",
    "docx_many_entries": "l'archive contient",
    "odt_zip_bomb": "archive décompressée ferait",
    "docx_deep_xml": "trop profondément",
    "docx_deep_xml_for_us": "trop profondément",
    "docx_huge_text": "un texte ou un attribut trop long pour le lecteur XML (limite : 10 Mo)",
    "odt_many_elements": "trop d'éléments XML",
    "docx_huge_table": "un tableau compte trop de cellules",
    "docx_many_cells": "les tableaux comptent trop de cellules",
    "odt_huge_table": "un tableau compte trop de cellules",
    "odt_truncated_content": "XML invalide",
    "odt_without_content": "la partie content.xml manque",
    "truncated_docx": "archive illisible",
    "html_spans": "un tableau compte trop de cellules",
    "html_many_elements": "trop de balises HTML",
    "html_deep": "imbriquées trop profondément",
    "txt_long_line": "caractères par ligne",
    "txt_many_lines": "lignes",
    "txt_huge_table": "un tableau compte trop de cellules",
}


def test_every_hostile_input_has_an_expected_message():
    assert set(EXPECTED) == set(hostile.REFUSED)


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(hostile.REFUSED))
def test_hostile_file_is_refused_and_nothing_is_written(case):
    name, build = hostile.REFUSED[case]
    with pytest.raises(DocumentError) as excinfo:
        apply_import(name=name, data=build())
    message = " ".join(excinfo.value.messages)
    assert f"« {name} »" in message
    assert EXPECTED[case] in message
    assert not Contract.objects.exists()


def test_hostile_inputs_fit_in_an_upload():
    for name, build in hostile.REFUSED.values():
        assert len(build()) <= limits.MAX_DOCUMENT_BYTES, name


def test_bombs_are_refused_under_a_memory_cap():
    """In a child process allowed 1 GiB of address space beyond the loaded readers: a bomb
    that got past the bounds would end in MemoryError there, not here."""
    code = """
import json, os, resource, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
import bs4, docx, lxml.etree, odf.opendocument
from django.core.exceptions import ValidationError
from quartiers.protocol_import.documents import read_document
from quartiers.protocol_import.extraction import extract
from tests.protocol_import import hostile
pages = int(open("/proc/self/statm").read().split()[0])
cap = pages * resource.getpagesize() + 1024**3
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
outcomes = {}
for case, (name, build) in hostile.REFUSED.items():
    try:
        extract(read_document(name, build()))
        outcomes[case] = "read"
    except ValidationError:
        outcomes[case] = "refused"
    except MemoryError:
        outcomes[case] = "MemoryError"
print(json.dumps(outcomes))
"""
    child = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "DEBUG": "true", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    outcomes = json.loads(child.stdout.strip().splitlines()[-1])
    assert outcomes == dict.fromkeys(hostile.REFUSED, "refused")


@pytest.mark.parametrize("case", sorted(hostile.ACCEPTED))
def test_pathological_text_within_the_bounds_is_read(case):
    """These lines used to send a regular expression into quadratic (or worse) backtracking."""
    name, build = hostile.ACCEPTED[case]
    content = extract(read_document(name, build()))
    assert content.source.name == name


def test_truncated_odt_is_refused_not_read_in_part():
    with zipfile.ZipFile(io.BytesIO(hostile.odt_truncated_content())) as archive:
        assert b"Premier paragraphe" in archive.read("content.xml")
    with pytest.raises(DocumentError, match="endommagé"):
        read_document("coupe.odt", hostile.odt_truncated_content())


@pytest.mark.django_db
def test_extraction_past_its_time_budget_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "IMPORT_SECONDS", -1.0)
    with pytest.raises(DocumentError) as excinfo:
        apply_import(name=SEED.name, data=SEED.read_bytes())
    message = " ".join(excinfo.value.messages)
    assert f"« {SEED.name} »" in message
    assert "secondes" in message
    assert not Contract.objects.exists()


def test_seed_is_read_within_the_bounds():
    """Guard: the bounds leave room for a real protocol."""
    assert len(extract(read_document(SEED.name, SEED.read_bytes())).engagements) == 17


# --- random text within the bounds ------------------------------------------------------

PIECES = [
    " ",
    "  ",
    "\t",
    "\n",
    "<",
    "</",
    "< /",
    "<p",
    ">",
    "«",
    "»",
    "|",
    "|--",
    ":--:",
    "#",
    "## ",
    ":",
    ";",
    ".",
    "(",
    ")",
    "services (",
    "3 piliers ",
    " que sont ",
    "ARS : agence",
    "S A N T E",
    "contrat de ville « ",
    "communauté de communes ",
    "et la suite",
    "X",
    "x",
    "Engagements",
    "é",
    "\u00ad",
]
TEXTS = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=400).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=TEXTS,
    repeat=st.integers(min_value=1, max_value=40),
    suffix=st.sampled_from(["txt", "md", "html"]),
)
def test_random_text_within_the_bounds_runs_without_error(text, repeat, suffix):
    """Repeated fragments make long lines: any input either imports or is refused politely."""
    data = (text * repeat).encode()
    if not data.strip():
        return
    try:
        extract(read_document(f"hasard.{suffix}", data))
    except DocumentError as exc:
        assert "« hasard." in " ".join(exc.messages)
