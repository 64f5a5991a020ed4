"""Conventions every API endpoint follows: pagination and one error format
(the viewset base that sends writes through the services is in ``liaison.api.viewsets``).

Every error answers ``{"detail": <translated sentence>, "code": <machine code>}``, and a
validation error adds ``"errors": {<field or "non_field_errors">: [<translated messages>]}``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.views import exception_handler as drf_exception_handler


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, with the fields it builds from the model built once per class.

    DRF builds every field again for each serializer it makes (reading the model's fields,
    their validators and choices): for an answer through the API, which reads one serializer
    and writes two, that was several percent of the request. The fields depend only on the
    class and its ``Meta``; each serializer gets its own copies (``clone_field``)."""

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return {name: clone_field(field) for name, field in built.items()}


# A nested serializer's own fields, built again for each copy when first read.
_BUILT_ON_USE = frozenset({"fields"})
# The fields a field holds and binds to itself: a list's item, a many-relation's relation.
_PARTS = ("child", "child_relation")


def clone_field(field: serializers.Field) -> serializers.Field:
    """A copy of a field that is not bound to a serializer yet, as ``copy.deepcopy`` makes one
    (DRF's ``Field.__deepcopy__`` calls the field's class again with its arguments), in a
    fraction of the time: its state is copied, its lists and dicts (validators, error
    messages, choices) one level deep, and the fields it holds (bound to it when it was made)
    are copied and bound to the copy. Querysets are shared: a field reads them through
    ``.all()``, and a serializer that narrows one assigns a new queryset to its own copy."""
    assert field.parent is None, "only a field not yet bound to a serializer is copied"
    return _copy(field)


def _copy(field: serializers.Field) -> serializers.Field:
    clone = object.__new__(type(field))
    clone.__dict__.update(
        {
            key: value.copy() if type(value) in (list, dict) else value
            for key, value in field.__dict__.items()
            if key not in _BUILT_ON_USE
        }
    )
    for name in _PARTS:
        part = clone.__dict__.get(name)
        if isinstance(part, serializers.Field):
            part = _copy(part)  # keeps its name and source; only its holder changes
            part.parent = clone
            setattr(clone, name, part)
    return clone


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# The largest id a database column holds (a signed 64-bit integer, on SQLite and PostgreSQL).
MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """The value as a database id, or None when it cannot be one (not a whole number, or too
    large for the database, which would fail rather than find nothing)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        return None
    return int(text)


def _as_field_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in msgs]
            for field, msgs in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(v) for v in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else _flatten(value)
            for key, value in detail.items()
        }
    return {
        "non_field_errors": [str(v) for v in (detail if isinstance(detail, list) else [detail])]
    }


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_as_field_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()), [""])
        summary = first[0] if isinstance(first, list) and first else ""
        response.data = {
            "detail": summary or _("The submitted data is not valid."),
            "code": "invalid",
            "errors": errors,
        }
    else:
        detail = getattr(exc, "detail", "")
        response.data = {
            "detail": str(detail),
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
        }
    return response
