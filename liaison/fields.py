"""Fields for values that people type in their own way and the system keeps in one form."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

from liaison.validators import normalise_credit_code, validate_credit_code


class CreditCodeFormField(forms.CharField):
    """A unified social credit code as typed (full-width, with spaces, in lower case): made
    canonical before it is checked. No length limit on the input itself: typed with spaces it
    is longer than 18, and the credit code check says the length in its own message."""

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_credit_code(value) if isinstance(value, str) else value


class CreditCodeField(models.CharField):
    """A unified social credit code (GB 32100-2015), kept canonical; the check is
    ``validate_credit_code``, which also says the length: one message, not two."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        if validate_credit_code not in self.validators:
            self.validators.append(validate_credit_code)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_credit_code(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CreditCodeFormField, **kwargs})
