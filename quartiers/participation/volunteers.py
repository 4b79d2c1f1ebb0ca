"""Reading a volunteer list: a spreadsheet (csv, xlsx, ods) or typed lines, into rows checked
all at once. A file that cannot be read, or a row that is wrong, is refused with a French
message naming the line; nothing is recorded until every row is right.

No spreadsheet reader existed (`core.spreadsheets` writes; `protocol_import` reads documents,
not tables): this one reads the first sheet only, values as text, with bounds checked before
anything is decompressed or parsed.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from lxml import etree

from quartiers.participation import draws
from quartiers.participation.enums import Gender

MAX_FILE_SIZE = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_NAME = 200
MAX_UNCOMPRESSED = 20 * 1024 * 1024  # whole archive
MAX_ENTRIES = 500
FORMATS = ("csv", "xlsx", "ods")

GENDERS = {
    **dict.fromkeys(("femme", "f", "fem", "féminin", "feminin", "mme", "madame"), Gender.WOMAN),
    **dict.fromkeys(("homme", "h", "m", "masculin", "m.", "monsieur"), Gender.MAN),
}
HEADERS = {
    "name": ("nom", "nom complet", "prénom nom", "prenom nom", "nom et prénom", "volontaire"),
    "gender": ("genre", "sexe", "civilité", "civilite"),
    "email": ("e-mail", "email", "courriel", "adresse électronique", "mail"),
}


@dataclass(frozen=True)
class VolunteerRow:
    line: int
    display_name: str
    gender: str
    email: str


def _refuse(filename, message):
    raise ValidationError(f"« {filename} » : {message}" if filename else message)


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The first sheet of a csv, xlsx or ods file, each cell as text ('' when empty)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        _refuse(filename, "format non reconnu : envoyez un fichier CSV, XLSX ou ODS.")
    if len(data) > MAX_FILE_SIZE:
        _refuse(filename, f"le fichier dépasse {MAX_FILE_SIZE // (1024 * 1024)} Mo.")
    if extension == "csv":
        return _read_csv(filename, data)
    archive = _open_archive(filename, data)
    if extension == "xlsx":
        return _read_xlsx(filename, data)
    return _read_ods(filename, archive)


def _read_csv(filename, data) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        _refuse(filename, "ce fichier n'est pas un texte CSV.")
    return parse_text(text, filename=filename)


def parse_text(text: str, *, filename: str = "") -> list[list[str]]:
    """Lines of text separated by `;`, `,` or tabs (what a spreadsheet exports, or what was
    typed), as rows of cells."""
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count) if sample.strip() else ";"
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        _refuse(filename, f"fichier CSV illisible ({error}).")
    _check_row_count(filename, rows)
    return [[cell.strip() for cell in row] for row in rows]


def _check_row_count(filename, rows):
    if len(rows) > MAX_ROWS + 1:
        _refuse(filename, f"plus de {MAX_ROWS} lignes : découpez la liste.")


def _open_archive(filename, data) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse(filename, "fichier tableur endommagé ou d'un autre format.")
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        _refuse(filename, "le contenu décompressé du fichier est trop volumineux.")
    return archive


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(filename, data) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        _refuse(filename, "fichier XLSX endommagé ou illisible.")
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            _check_row_count(filename, rows)
    except Exception as error:
        if isinstance(error, ValidationError):
            raise
        _refuse(filename, "fichier XLSX endommagé ou illisible.")
    finally:
        workbook.close()
    return rows


TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
MAX_REPEAT = 1000  # a repeated empty cell or row (ods pads sheets with them)


def _read_ods(filename, archive) -> list[list[str]]:
    """The first table of `content.xml`, parsed as a stream (no entities, no DTD, no network);
    a repeated empty cell or row counts once at most `MAX_REPEAT` times."""
    try:
        content = archive.read("content.xml")  # its size was bounded from the ZIP directory
    except KeyError:
        _refuse(filename, "fichier ODS sans contenu (content.xml manquant).")
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse(filename, "fichier ODS endommagé ou illisible.")
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        _refuse(filename, "fichier ODS refusé : il déclare un DTD, ce qu'aucun tableur n'écrit.")
    stream = io.BytesIO(content)
    rows, row, tables = [], [], 0
    try:
        for event, element in etree.iterparse(
            stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            tag = element.tag
            if tag == f"{{{TABLE}}}table":
                tables += event == "start"
                if event == "end" and tables == 1:
                    break
                continue
            if event == "start":
                if tag == f"{{{TABLE}}}table-row":
                    row = []
                continue
            if tag == f"{{{TABLE}}}table-cell":
                text = "\n".join(
                    "".join(p.itertext()) for p in element.iter(f"{{{TEXT}}}p")
                ).strip()
                repeat = int(element.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1)
                row.extend([text] * (1 if text else min(repeat, MAX_REPEAT)))
                element.clear()
            elif tag == f"{{{TABLE}}}table-row":
                while row and not row[-1]:
                    row.pop()
                repeat = int(element.get(f"{{{TABLE}}}number-rows-repeated", "1") or 1)
                rows.extend([row] * (1 if row else min(repeat, MAX_REPEAT)))
                _check_row_count(filename, rows)
                element.clear()
    except (etree.XMLSyntaxError, ValueError, zipfile.BadZipFile, OSError):
        _refuse(filename, "fichier ODS endommagé ou illisible.")
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _column(header: list[str], field: str) -> int | None:
    names = HEADERS[field]
    for index, cell in enumerate(header):
        if draws.normalise(cell).lower() in names:
            return index
    return None


def volunteer_rows(rows: list[list[str]], *, filename: str = "") -> list[VolunteerRow]:
    """Check every row of a table of volunteers and return them, or refuse with every error.

    With a header row (« nom », « genre » or « sexe », optionally « e-mail » or « courriel »)
    the columns are found by name; without one they are nom ; genre ; e-mail in this order.
    Empty rows are skipped. Two volunteers of one gender may not bear the same name: they
    could not be told apart in the draw.
    """
    rows = [[str(cell) for cell in row] for row in rows]
    first = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    if first is None:
        _refuse(filename, "la liste est vide.")
    columns = {field: _column(rows[first], field) for field in HEADERS}
    if columns["name"] is not None and columns["gender"] is not None:
        body = list(enumerate(rows[first + 1 :], start=first + 2))
    else:
        columns = {"name": 0, "gender": 1, "email": 2}
        body = list(enumerate(rows[first:], start=first + 1))
    errors, result, seen = [], [], {}
    for number, row in body:
        if not any(c.strip() for c in row):
            continue

        def cell(field, row=row):
            index = columns[field]
            return row[index].strip() if index is not None and index < len(row) else ""

        name = draws.normalise(cell("name"))
        gender_text = draws.normalise(cell("gender")).lower()
        email = cell("email").lower()
        gender = GENDERS.get(gender_text)
        if not name:
            errors.append(f"ligne {number} : le nom manque.")
        elif len(name) > MAX_NAME:
            errors.append(f"ligne {number} : nom de plus de {MAX_NAME} caractères.")
        if gender is None:
            errors.append(
                f"ligne {number} : genre « {gender_text[:40]} » non reconnu "
                "(attendu : femme ou homme, F ou H)."
                if gender_text
                else f"ligne {number} : le genre manque (femme ou homme)."
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"ligne {number} : adresse électronique « {email[:80]} » invalide.")
        if name and gender is not None:
            other = seen.setdefault((gender, name.casefold()), number)
            if other != number:
                errors.append(
                    f"ligne {number} : même nom que la ligne {other} ({gender.label}) ; "
                    "ajoutez une initiale pour les distinguer."
                )
        if len(errors) >= 20:
            errors.append("… et peut-être d'autres : corrigez ces lignes d'abord.")
            break
        if not errors:
            result.append(
                VolunteerRow(line=number, display_name=name, gender=str(gender), email=email)
            )
    if errors:
        raise ValidationError([f"« {filename} », {e}" if filename else e for e in errors])
    if not result:
        _refuse(filename, "aucun volontaire dans la liste.")
    if len(result) > MAX_ROWS:
        _refuse(filename, f"plus de {MAX_ROWS} volontaires : découpez la liste.")
    return result


def read_volunteers(filename: str, data: bytes) -> list[VolunteerRow]:
    return volunteer_rows(read_table(filename, data), filename=filename)


def typed_volunteers(text: str) -> list[VolunteerRow]:
    return volunteer_rows(parse_text(text))
