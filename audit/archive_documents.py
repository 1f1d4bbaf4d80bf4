"""Where the archive finds the document of an entry, and whether it is still the one registered.

The archive keeps no files: a document stays with the app that made it, and the entry holds its
SHA-256. An app whose documents the archive's readers may open registers, in its
`AppConfig.ready()`, a function that finds the stored file of one of its objects (`object_type` as
the entry names it, e.g. "objections.objectioncasefile"). Entries of other kinds (a credit report
belongs to whoever ordered it, SPEC §3) have no download here.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models.fields.files import FieldFile

from .models import ArchiveEntry

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredDocument:
    file: FieldFile
    name: str  # the name a download is saved under
    content_type: str = "application/pdf"


Finder = Callable[[str], StoredDocument | None]
_FINDERS: dict[str, Finder] = {}


def register_document_source(object_type: str, find: Finder) -> None:
    _FINDERS[object_type] = find


def has_document(entry: ArchiveEntry) -> bool:
    return entry.object_type in _FINDERS and bool(entry.object_id)


@dataclass(frozen=True)
class Verification:
    document: StoredDocument | None
    content: bytes | None  # None: no file where the document should be
    actual_sha256: str

    @property
    def found(self) -> bool:
        return self.content is not None

    def matches(self, entry: ArchiveEntry) -> bool:
        return self.found and self.actual_sha256 == entry.sha256


def verify(entry: ArchiveEntry) -> Verification:
    """The entry's document read back and hashed (case files are a few hundred kilobytes)."""
    find = _FINDERS.get(entry.object_type)
    document = find(entry.object_id) if find is not None else None
    if document is None or not document.file:
        return Verification(document, None, "")
    try:
        with document.file.open("rb") as stream:
            content = stream.read()
    except (FileNotFoundError, OSError):
        return Verification(document, None, "")
    return Verification(document, content, hashlib.sha256(content).hexdigest())
