"""Extraction: from a `Document` (paragraphs and tables) to the contract's `ImportedContent`.

Nothing here knows any particular protocol; the passes and their order are in `pipeline`.
"""

from quartiers.protocol_import.extraction.pipeline import extract

__all__ = ["extract"]
