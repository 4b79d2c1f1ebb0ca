"""Structure pass: paragraphs, tables, their order, and the heading above each table."""

from quartiers.protocol_import.documents import Paragraph, Table
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import is_heading


def read_structure(draft: Draft) -> None:
    for note in draft.document.notes:
        draft.warn("encoding", note)
    blocks = draft.document.blocks
    draft.paragraphs = merge_broken_paragraphs([b for b in blocks if isinstance(b, Paragraph)])
    draft.tables = [b for b in blocks if isinstance(b, Table) and b.rows]
    draft.blocks = sorted([*draft.paragraphs, *draft.tables], key=lambda b: b.line)
    last_heading: str | None = None
    for block in draft.blocks:
        if isinstance(block, Paragraph):
            last_heading = block.text if is_heading(block) else last_heading
        else:
            draft.section_of_table[id(block)] = last_heading
            last_heading = None


def merge_broken_paragraphs(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a paragraph cut in two by a stray blank line (next one starts in lowercase).

    The pieces are joined once at the end: adding each to a growing string was quadratic.
    """
    merged: list[Paragraph] = []
    pieces: list[list[str]] = []
    for paragraph in paragraphs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and paragraph.text[:1].islower()
            and paragraph.heading is not True
            and previous.heading is not True
            and pieces[-1][-1][-1:] not in ".:;!?"
        ):
            pieces[-1].append(paragraph.text)
            continue
        merged.append(Paragraph(paragraph.text, paragraph.line, paragraph.heading))
        pieces.append([paragraph.text])
    for paragraph, parts in zip(merged, pieces, strict=True):
        paragraph.text = " ".join(parts)
    return merged
