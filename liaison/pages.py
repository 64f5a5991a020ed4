"""What every page does around a service: call it and show its refusal where the user looks
(on the field it names, above the form, or as a message after a redirect), and cut a list into
pages. Views stay thin: parse, call a service through these, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator

T = TypeVar("T")

UNSET = object()


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the field it names, or above the form when the form has no
    such field (or the error names none)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash_service_error(request, error: ValidationError) -> None:
    """Show a service's refusal as messages on the next page (for actions that redirect)."""
    for message in error.messages:
        messages.error(request, message)


def flash_form_errors(request, form: forms.BaseForm) -> None:
    """Show an invalid form's errors as messages on the next page (for one-button forms whose
    page is elsewhere), each after the label of its field: the field is not on that page."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}：{message}" if label else message)


def call_on_form(form: forms.BaseForm, service: Callable[..., T], *args, **kwargs) -> T | object:
    """Call ``service``; on its ValidationError show the error on ``form`` and return
    ``UNSET``, otherwise return what it returned::

        result = call_on_form(form, services.schedule, partnership, actor=request.user, ...)
        if result is not UNSET:
            return redirect(...)
    """
    try:
        return service(*args, **kwargs)
    except ValidationError as error:
        add_service_error(form, error)
        return UNSET


def call_or_flash(request, service: Callable[..., T], *args, **kwargs) -> T | object:
    """Call ``service``; on its ValidationError show the error as messages and return
    ``UNSET``, otherwise return what it returned."""
    try:
        return service(*args, **kwargs)
    except ValidationError as error:
        flash_service_error(request, error)
        return UNSET


def paginate(request, items, per_page: int = 30) -> Page:
    """The page of ``items`` that ``?page=`` asks for; a missing, non-numeric or too large
    number gives the first or last page, never an error."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The list's query string (its filters) without ``page``, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
