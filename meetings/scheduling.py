"""The plan of a mechanism's next meeting now lives in ``meetings.services.scheduling``; this
name is kept only for ``meetings.minutes_pdf`` until the minutes import it from there."""

from meetings.services.scheduling import chinese_number

__all__ = ["chinese_number"]
