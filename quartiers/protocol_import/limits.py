"""The importer's bounds, in one place: past any of them a file is refused, nothing is written.

A protocol is a document of a few dozen pages; every bound below is far above what a real
contrat de ville needs and far below what would let one upload take the server's memory or
minutes of its time. Each check raises a `DocumentError` whose French message names the file
and the bound, so the person knows what to fix (usually: save the file again, or split it).
"""

import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


class DocumentError(ValidationError):
    """A file no reader can read; the French message names the file and says why.

    Defined here so the bounds need nothing else; `documents.DocumentError` is this class.
    """


MiB = 1024 * 1024

MAX_DOCUMENT_BYTES = 5 * MiB  # the uploaded file itself

# docx and odt are ZIP archives: checked from the central directory before anything is
# decompressed (Python's zipfile never returns more than an entry's declared size).
MAX_ARCHIVE_ENTRIES = 2_000
MAX_ARCHIVE_UNCOMPRESSED_BYTES = 50 * MiB  # sum of the declared sizes of every entry
MAX_COMPRESSION_RATIO = 200  # per entry larger than RATIO_CHECK_FROM_BYTES
RATIO_CHECK_FROM_BYTES = 1 * MiB

# The XML inside an archive, scanned with counters before python-docx or odfpy build a tree.
MAX_XML_ELEMENTS = 200_000  # per XML entry (odfpy holds about 1 KB per element)
MAX_XML_DEPTH = 200

# HTML, counted before BeautifulSoup builds its tree (elements) and on the tree (depth).
MAX_HTML_ELEMENTS = 100_000
MAX_HTML_DEPTH = 200

# Tables, in cells once merged cells are laid out (colspan × rowspan count in full).
MAX_TABLE_CELLS = 50_000
MAX_TOTAL_CELLS = 100_000

# Text: what the source page shows, and what every regular expression runs on.
MAX_LINE_CHARS = 20_000
MAX_LINES = 100_000

# Wall time of reading and extracting one document, from the moment the reader starts:
# checked in the readers' loops, between the extraction passes and inside their long loops.
IMPORT_SECONDS = 20.0


def too_big(name: str, what: str, limit: int | str) -> DocumentError:
    return DocumentError(f"« {name} » : {what} (limite : {limit}) ; le fichier est refusé.")


def check_lines(name: str, lines: list[str]) -> None:
    if len(lines) > MAX_LINES:
        raise too_big(name, f"le texte compte {len(lines)} lignes", f"{MAX_LINES} lignes")
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise too_big(
                name,
                f"la ligne {number} compte {len(line)} caractères",
                f"{MAX_LINE_CHARS} caractères par ligne",
            )


@dataclass
class CellCounter:
    """Counts a document's table cells as a reader lays them out."""

    name: str
    total: int = 0
    in_table: int = field(default=0, init=False)

    def new_table(self) -> None:
        self.in_table = 0

    def add(self, count: int) -> None:
        self.in_table += count
        self.total += count
        if self.in_table > MAX_TABLE_CELLS:
            raise too_big(
                self.name, "un tableau compte trop de cellules", f"{MAX_TABLE_CELLS} par tableau"
            )
        if self.total > MAX_TOTAL_CELLS:
            raise too_big(
                self.name,
                "les tableaux comptent trop de cellules",
                f"{MAX_TOTAL_CELLS} pour le document",
            )


@dataclass
class Deadline:
    """A document's time budget; `check()` raises once it is spent."""

    name: str
    seconds: float
    ends_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.ends_at = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.ends_at:
            raise DocumentError(
                f"« {self.name} » : l'analyse du document dépasse {self.seconds:g} secondes ; "
                "le fichier est refusé (est-il anormalement long ou répétitif ?)."
            )
