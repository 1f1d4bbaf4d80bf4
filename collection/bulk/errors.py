"""The one error this package raises for a file it will not read."""


class BulkFileError(Exception):
    """A file-level problem, with a Chinese message that tells the uploader what to fix.

    `code` is a stable machine-readable reason (e.g. "legacy_xls", "zip_bomb", "header_only")
    so callers and tests need not parse the message.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message
