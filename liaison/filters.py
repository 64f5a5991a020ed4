"""Filters for numbers that must be whole and in range before they reach the database.

django-filter's ``NumberFilter`` accepts any decimal: a year such as 0 or 99999 then fails in
the date arithmetic of the ``year`` lookup, and an id past the 64-bit range overflows in
SQLite. These filters refuse such values as invalid input, which the API answers with 400 in
its error shape and a page shows as a form error while ignoring the filter."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from liaison.api.conventions import MAX_ID

MIN_YEAR, MAX_YEAR = 1900, 2200


class _BoundedIntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField
    min_value: int
    max_value: int

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.min_value)
        kwargs.setdefault("max_value", self.max_value)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})
class YearFilter(_BoundedIntegerFilter):
    """A calendar year (by default of the date or time field named, through ``__year``)."""

    min_value, max_value = MIN_YEAR, MAX_YEAR

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("label", _("year"))
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(_BoundedIntegerFilter):
    """The id of a row."""

    min_value, max_value = 1, MAX_ID
