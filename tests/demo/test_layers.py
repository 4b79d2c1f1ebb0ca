"""The demo is the top floor: no module of the apps imports it."""

import ast
from pathlib import Path

import quartiers

PACKAGE = Path(quartiers.__file__).parent


def importers_of_the_demo(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        if relative.parts[:2] == ("quartiers", "demo"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                names = [module] + [f"{module}.{alias.name}" for alias in node.names]
            else:
                continue
            if any(
                name == "quartiers.demo" or name.startswith("quartiers.demo.") for name in names
            ):
                found.append(str(relative))
    return found


def test_nothing_imports_the_demo():
    assert importers_of_the_demo(PACKAGE) == []


def test_an_import_of_the_demo_is_caught(tmp_path):
    app = tmp_path / "quartiers" / "programming"
    app.mkdir(parents=True)
    (app / "views.py").write_text("from quartiers import demo\n")
    (tmp_path / "quartiers" / "demo").mkdir()
    (tmp_path / "quartiers" / "demo" / "people.py").write_text("from quartiers.demo import x\n")
    assert importers_of_the_demo(tmp_path / "quartiers") == ["quartiers/programming/views.py"]
