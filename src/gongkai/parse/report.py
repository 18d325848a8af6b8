from __future__ import annotations

from gongkai.model.report import Report, SourceFile
from gongkai.readers.document import Document


def parse_document(doc: Document) -> Report:
    return Report(SourceFile(doc.path, doc.sha256, doc.format, doc.size))
