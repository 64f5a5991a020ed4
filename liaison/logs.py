"""Logging helpers named by ``LOGGING`` in the settings."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A refused (403) or missing (404) page is the visitor's doing, not a fault of the code:
    Django logs it with the exception attached, which prints a whole traceback for a mistyped
    address. Keep the one line that says what was asked for."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
