"""A provider's records: the pages at /office/collection/records/, corrections and expiry."""
