"""The date and datetime inputs of every form.

Browsers' ``<input type="date">`` and ``<input type="datetime-local">`` accept only ISO values
(``2026-12-17``, ``2026-12-17T09:30``). Django's inputs otherwise render the active language's
first input format (``2026/12/17`` in Chinese), which the browser rejects: the field shows empty
and the next save stores nothing. These render ISO whatever the language; the form fields parse
ISO in every language (Django adds the ISO formats to each locale's input formats)."""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class IsoDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME)
