"""Hostile protocol files, built in memory: each is a small upload that once cost gigabytes of
memory or minutes of time. Used by `test_hostile_files.py` and `bench/importer_worst_cases.py`.

`REFUSED` maps a name to (file name, builder); every one must end in a `DocumentError`.
`ACCEPTED` are pathological but within the bounds: they must be read, quickly.
"""

import io
import random
import zipfile

from quartiers.protocol_import import limits

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
ODF_TEXT = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="' + ODT_MIMETYPE + '"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _zip(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compression, compresslevel=9)
    return buffer.getvalue()


def docx(body: str, **extra: bytes | str) -> bytes:
    """A minimal Word document: `body` goes inside <w:body>."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body>'
        "</w:document>"
    )
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS}
    return _zip({**parts, "word/document.xml": document, **extra})


def odt(body: str, **extra: bytes | str) -> bytes:
    """A minimal OpenDocument text: `body` goes inside <office:text>."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_TEXT}>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    parts = {"mimetype": ODT_MIMETYPE, "META-INF/manifest.xml": MANIFEST}
    return _zip({**parts, "content.xml": content, **extra})


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_zip_bomb() -> bytes:
    """A 100 MB image of zeros, about 100 KB once compressed."""
    size = 2 * limits.MAX_ARCHIVE_UNCOMPRESSED_BYTES
    return docx(_paragraph("Protocole"), **{"word/media/image1.png": bytes(size)})


def docx_high_ratio() -> bytes:
    """Within the total size, but one entry compressed a thousand times."""
    return docx(_paragraph("Protocole"), **{"word/media/image1.png": bytes(20 * limits.MiB)})


def docx_many_entries() -> bytes:
    parts = {f"word/media/image{i}.png": b"" for i in range(limits.MAX_ARCHIVE_ENTRIES + 1)}
    return docx(_paragraph("Protocole"), **parts)


def odt_zip_bomb() -> bytes:
    """A content.xml of 60 MB of paragraphs (about 200 KB compressed)."""
    paragraph = "<text:p>Le contrat de ville engage ses partenaires.</text:p>"
    count = limits.MAX_ARCHIVE_UNCOMPRESSED_BYTES // len(paragraph) + 1000
    return odt(paragraph * count)


def docx_deep_xml() -> bytes:
    """Deeper than libxml2's own bound, which it reaches while reading ahead."""
    depth = limits.MAX_XML_DEPTH + 10
    return docx("<w:sdt><w:sdtContent>" * depth + "</w:sdtContent></w:sdt>" * depth)


def docx_deep_xml_for_us() -> bytes:
    """Past our bound, within libxml2's: each pair of elements counts twice."""
    depth = limits.MAX_XML_DEPTH // 2 + 5
    return docx("<w:sdt><w:sdtContent>" * depth + "</w:sdtContent></w:sdt>" * depth)


def docx_huge_text() -> bytes:
    """One text of 11 MB, past libxml2's own bound; four letters drawn at random, so that it
    compresses within the file's size and the ratio's bound."""
    four_letters = bytes(b"abcd"[i % 4] for i in range(256))
    text = random.Random(7).randbytes(11 * limits.MiB).translate(four_letters).decode()
    return docx(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")


def odt_many_elements() -> bytes:
    """Varied enough to compress like a real document (a repeated element would trip the
    compression-ratio bound first)."""
    return odt("".join(f"<text:p>{i}</text:p>" for i in range(limits.MAX_XML_ELEMENTS + 1)))


def docx_huge_table() -> bytes:
    """One cell claiming to span a billion grid columns."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p/></w:tc>'
    return docx(f"<w:tbl><w:tr>{cell}</w:tr></w:tbl>")


def docx_many_cells() -> bytes:
    """Tables within the per-table bound, too many cells for the document."""
    rows = limits.MAX_TABLE_CELLS // 100
    table = "<w:tbl>" + "".join(
        "<w:tr>" + "".join(f'<w:tc w:id="{r}.{c}"/>' for c in range(100)) + "</w:tr>"
        for r in range(rows)
    )
    return docx((table + "</w:tbl>") * (limits.MAX_TOTAL_CELLS // limits.MAX_TABLE_CELLS + 1))


def odt_huge_table() -> bytes:
    cell = (
        '<table:table-cell table:number-columns-spanned="1000000000"><text:p>x</text:p>'
        "</table:table-cell>"
    )
    return odt(f"<table:table><table:table-row>{cell}</table:table-row></table:table>")


def odt_truncated_content() -> bytes:
    """content.xml cut in the middle: odfpy used to read the first half without a word."""
    body = "<text:p>Premier paragraphe.</text:p>" * 50
    whole = odt(body)
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        content = archive.read("content.xml")
    parts = {"mimetype": ODT_MIMETYPE, "META-INF/manifest.xml": MANIFEST}
    return _zip({**parts, "content.xml": content[: len(content) // 2]})


def odt_without_content() -> bytes:
    return _zip({"mimetype": ODT_MIMETYPE, "META-INF/manifest.xml": MANIFEST})


def truncated_docx() -> bytes:
    return docx(_paragraph("Protocole " * 2000))[:-200]


def html_spans() -> bytes:
    """Cells of colspan 50 × rowspan 50: each one lays out 2 500 cells."""
    cells = '<td colspan="50" rowspan="50">x</td>' * 100
    return f"<html><body><table><tr>{cells}</tr></table></body></html>".encode()


def html_many_elements() -> bytes:
    line = "<b>x</b>" * 10 + "\n"
    return ("<html><body>\n" + line * (limits.MAX_HTML_ELEMENTS // 10 + 1)).encode()


def html_deep() -> bytes:
    depth = limits.MAX_HTML_DEPTH + 10
    return ("<html><body>" + "<div>" * depth + "texte" + "</div>" * depth).encode()


def txt_long_line() -> bytes:
    return ("Protocole " * (limits.MAX_LINE_CHARS // 10 + 1)).encode()


def txt_many_lines() -> bytes:
    return b"a\n" * (limits.MAX_LINES + 1)


def txt_huge_table() -> bytes:
    row = "\t".join(["x"] * 1000) + "\n"
    return (row * (limits.MAX_TABLE_CELLS // 1000 + 1)).encode()


REFUSED = {
    "docx_zip_bomb": ("bombe.docx", docx_zip_bomb),
    "docx_high_ratio": ("ratio.docx", docx_high_ratio),
    "docx_many_entries": ("entrees.docx", docx_many_entries),
    "odt_zip_bomb": ("bombe.odt", odt_zip_bomb),
    "docx_deep_xml": ("profond.docx", docx_deep_xml),
    "docx_deep_xml_for_us": ("profond.docx", docx_deep_xml_for_us),
    "docx_huge_text": ("texte.docx", docx_huge_text),
    "odt_many_elements": ("elements.odt", odt_many_elements),
    "docx_huge_table": ("tableau.docx", docx_huge_table),
    "docx_many_cells": ("cellules.docx", docx_many_cells),
    "odt_huge_table": ("tableau.odt", odt_huge_table),
    "odt_truncated_content": ("coupe.odt", odt_truncated_content),
    "odt_without_content": ("vide.odt", odt_without_content),
    "truncated_docx": ("coupe.docx", truncated_docx),
    "html_spans": ("fusions.html", html_spans),
    "html_many_elements": ("balises.html", html_many_elements),
    "html_deep": ("profond.html", html_deep),
    "txt_long_line": ("ligne.txt", txt_long_line),
    "txt_many_lines": ("lignes.txt", txt_many_lines),
    "txt_huge_table": ("tableau.txt", txt_huge_table),
}


def _lines_of(line: str) -> bytes:
    """Lines just under the line-length bound, up to about 1 MB."""
    return (
        (line * (limits.MAX_LINE_CHARS // len(line)))[: limits.MAX_LINE_CHARS] + "\n"
    ).encode() * 50


ACCEPTED = {
    # `<` then spaces: `<\s*/?\s*` tried every split of the spaces (40 s for one line).
    "txt_angle_spaces": ("chevrons.txt", lambda: _lines_of("<" + " " * 19_000 + "x")),
    # `<p` without `>`: `[^>]*>` scanned to the end of the line from each `<p`.
    "txt_open_tags": ("balises.txt", lambda: _lines_of("<p")),
    # letter-spaced labels, the theme cells `S A N T E` are matched against.
    "txt_letter_spaced": ("espace.txt", lambda: _lines_of("S A N T E ")),
    # « without », a legend-like line, « N piliers » without « que sont ».
    "txt_quotes": ("guillemets.txt", lambda: _lines_of("« Les Érables ")),
    "txt_legend": ("legende.txt", lambda: _lines_of("; ARS : agence . ")),
    "txt_pillars": ("piliers.txt", lambda: _lines_of("3 piliers ")),
    "txt_services": ("services.txt", lambda: _lines_of("services (")),
    # Thousands of lowercase lines merged into one paragraph.
    "txt_merged_lines": ("suite.txt", lambda: b"et la suite du texte\n" * (limits.MAX_LINES - 1)),
    "md_separator": ("separateur.md", lambda: _lines_of("|--" + " " * 19_000 + "x")),
    "md_heading": ("titre.md", lambda: _lines_of("# " + " " * 19_000 + "x")),
}


def _numbered(template: str, count: int) -> str:
    return "".join(template.format(i) for i in range(count))


# Right under the bounds, for the bench only (too slow for the suite): what a file that is
# accepted can cost at most.
AT_THE_BOUNDS = {
    "odt_elements_at_bound": (
        "elements.odt",
        lambda: odt(_numbered("<text:p>{}</text:p>", limits.MAX_XML_ELEMENTS - 10)),
    ),
    "docx_elements_at_bound": (
        "elements.docx",
        lambda: docx(
            _numbered("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", limits.MAX_XML_ELEMENTS // 3 - 10)
        ),
    ),
    "docx_cells_at_bound": (
        "cellules.docx",
        lambda: docx(
            "<w:tbl>"
            + "".join(
                "<w:tr>"
                + "".join(f'<w:tc><w:p w:id="{r}.{c}"/></w:tc>' for c in range(100))
                + "</w:tr>"
                for r in range(limits.MAX_TABLE_CELLS // 100)
            )
            + "</w:tbl>"
        ),
    ),
    "odt_cells_at_bound": (
        "cellules.odt",
        lambda: odt(
            "<table:table>"
            + "".join(
                "<table:table-row>"
                + "".join(
                    f"<table:table-cell><text:p>{r}.{c}</text:p></table:table-cell>"
                    for c in range(100)
                )
                + "</table:table-row>"
                for r in range(limits.MAX_TABLE_CELLS // 100)
            )
            + "</table:table>"
        ),
    ),
    "html_elements_at_bound": (
        "balises.html",
        lambda: (
            "<html><body>\n" + ("<p>x</p>" * 10 + "\n") * (limits.MAX_HTML_ELEMENTS // 10 - 5)
        ).encode(),
    ),
    "html_cells_at_bound": (
        "cellules.html",
        lambda: (
            "<table>"
            + ("<tr>" + "<td>x</td>" * 100 + "</tr>\n") * (limits.MAX_TABLE_CELLS // 100)
            + "</table>"
        ).encode(),
    ),
    "txt_lines_at_bound": (
        "lignes.txt",
        lambda: b"Le contrat engage ses partenaires.\n" * (limits.MAX_LINES - 1),
    ),
}
