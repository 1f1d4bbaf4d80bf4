"""gunicorn's logger with ID numbers masked in the access log (named in gunicorn.conf.py).

The access log writes each request line with its path and query string: a search for a person's
公民身份号码, or a subject page addressed by one, would otherwise keep the number in clear.
"""

from gunicorn.glogging import Logger

from .log_filters import mask_id_numbers


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        found = super().atoms(resp, req, environ, request_time)
        return {key: mask_id_numbers(value) if isinstance(value, str) else value for key, value in found.items()}
