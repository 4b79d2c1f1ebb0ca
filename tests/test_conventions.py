"""Conventions the style guide asks for, checked on the whole project."""

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def _project_models():
    for model in apps.get_models():
        if model.__module__.startswith("quartiers.") and not model.__name__.startswith(
            "Historical"
        ):
            yield model


def _lowercase_french(text: str) -> bool:
    """Starts in lowercase, unless it starts with an acronym (SIRET, RNA, SIREN…)."""
    first = str(text).split()[0]
    return first[0].islower() or first.isupper()


def test_verbose_names_are_lowercase_french():
    offenders = []
    for model in _project_models():
        for label in (model._meta.verbose_name, model._meta.verbose_name_plural):
            if not _lowercase_french(label):
                offenders.append(f"{model.__name__}: {label}")
        for field in model._meta.get_fields():
            name = getattr(field, "verbose_name", None)
            if name and field.concrete and not field.auto_created and not _lowercase_french(name):
                offenders.append(f"{model.__name__}.{field.name}: {name}")
    assert not offenders, offenders


# A `fr-` class anywhere in a class attribute (start of the value or after a space or a tag).
DSFR_CLASS = re.compile(r"""class\s*=\s*["'][^"']*(?<![\w-])fr-""")


def dsfr_offenders(templates: Path) -> list[str]:
    """Templates outside components/ and base.html that carry DSFR `fr-*` classes."""
    return [
        str(path.relative_to(templates))
        for path in sorted(templates.rglob("*.html"))
        if "components" not in path.relative_to(templates).parts[:-1]
        and path.relative_to(templates) != Path("base.html")
        and DSFR_CLASS.search(path.read_text(encoding="utf-8"))
    ]


def test_dsfr_markup_stays_in_the_components_layer():
    """`fr-*` classes only in templates/components/ and base.html (another theme later)."""
    assert dsfr_offenders(ROOT / "quartiers" / "templates") == []


def test_dsfr_convention_catches_a_planted_violation(tmp_path):
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "card.html").write_text('<div class="fr-card"></div>')
    (tmp_path / "base.html").write_text('<body class="fr-body">')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "clean.html").write_text('<p class="quartiers-frame free-text">')
    (tmp_path / "app" / "card.html").write_text('<div class="fr-card"></div>')
    (tmp_path / "app" / "single.html").write_text("<div class='x {% if a %}fr-mt-2w{% endif %}'>")
    assert dsfr_offenders(tmp_path) == ["app/card.html", "app/single.html"]


def test_every_template_is_used():
    templates = ROOT / "quartiers" / "templates"
    sources = "\\n".join(
        path.read_text(encoding="utf-8")
        for path in [
            *ROOT.glob("quartiers/**/*.py"),
            *templates.rglob("*.html"),
            *ROOT.glob("config/*.py"),
        ]
    )
    unused = []
    for path in templates.rglob("*.*"):
        name = str(path.relative_to(templates))
        if name in {"base.html", "403.html", "404.html", "500.html"}:  # Django's error pages
            continue
        stem = name.removesuffix("_subject.txt").removesuffix("_body.txt")
        short = stem.split("/emails/")[-1] if "/emails/" in stem else None
        if name.startswith("components/"):
            short = name.removeprefix("components/").removesuffix(".html")
        quoted = (f'"{stem}"', f'"{short}"' if short else None)
        if name not in sources and not any(q and q in sources for q in quoted):
            unused.append(name)
    assert not unused, unused


def test_posting_components_receive_the_csrf_token():
    """`{% include … only %}` drops the context: POST components must get csrf_token."""
    templates = ROOT / "quartiers" / "templates"
    offenders = []
    for path in templates.rglob("*.html"):
        for line in path.read_text(encoding="utf-8").splitlines():
            posting = "components/form.html" in line or "components/post_button.html" in line
            if posting and " only" in line and "csrf_token=csrf_token" not in line:
                offenders.append(f"{path.relative_to(templates)}: {line.strip()}")
    assert not offenders, offenders


# Journeys type one URL, the home page, once per browser page (`navigation.open_home`); then
# they click. {file: why it types another URL}
TYPED_URLS = {
    "test_roles.py": "the invited person follows the link of the invitation e-mail",
    "test_fph.py": "a residents' group has no account: the e-mailed link is its way in",
}


def journey_offenders(journeys: Path) -> list[str]:
    """`page.goto` outside `navigation.py` (unless `TYPED_URLS` says why), and a test opening
    the home page twice on one page object."""
    offenders = []
    for path in sorted(journeys.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        gotos = [c for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "goto"]
        if gotos and path.name not in TYPED_URLS:
            offenders += [f"{path.name}:{c.lineno}: page.goto" for c in gotos]
        for test in ast.walk(tree):
            if not (isinstance(test, ast.FunctionDef) and test.name.startswith("test_")):
                continue
            pages = [
                ast.unparse(call.args[0])
                for call in ast.walk(test)
                if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id in ("open_home", "sign_in_from_home")
                and call.args
            ]
            offenders += [
                f"{path.name}:{test.name}: home opened twice on {page}"
                for page in sorted({p for p in pages if pages.count(p) > 1})
            ]
    return offenders


def test_journeys_start_at_the_home_page_and_click():
    assert journey_offenders(ROOT / "tests" / "journeys") == []


def test_journey_convention_catches_a_planted_violation(tmp_path):
    (tmp_path / "navigation.py").write_text("def open_home(page, url):\n    page.goto(url)\n")
    (tmp_path / "test_clean.py").write_text(
        "def test_a(page, other):\n    open_home(page, u)\n    open_home(other, u)\n"
    )
    (tmp_path / "test_typed.py").write_text("def test_b(page):\n    page.goto('/x/')\n")
    (tmp_path / "test_twice.py").write_text(
        "def test_c(page):\n    open_home(page, u)\n    sign_in_from_home(page, u, e)\n"
    )
    assert journey_offenders(tmp_path) == [
        "test_twice.py:test_c: home opened twice on page",
        "test_typed.py:2: page.goto",
    ]
