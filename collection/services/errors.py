"""What a submission may be refused with, whichever path stores it."""

from ..identifiers import IdentifierError


class SubmissionInvalid(Exception):
    """A submission with errors; `errors` maps a path ("data.penalty_amount") to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class ProviderNotResponsible(Exception):
    """The catalog does not name this provider as responsible for the item."""


class SubjectKindConflict(IdentifierError):
    """The identifier already belongs to a subject of another kind."""
