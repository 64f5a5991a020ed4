"""The page conventions around services: a refusal shows on the field it names, else above the
form, or as messages; a list is cut into pages whatever ``?page=`` says."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from liaison.pages import UNSET, call_on_form, call_or_flash, flash_form_errors, paginate


class TitleForm(forms.Form):
    title = forms.CharField()


def _refuse(error):
    def service(*args, **kwargs):
        raise error

    return service


def _request(query=""):
    request = RequestFactory().get(f"/?{query}")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_naming_a_field_shows_on_that_field():
    form = TitleForm({"title": "x"})
    form.is_valid()

    result = call_on_form(form, _refuse(ValidationError({"title": "已有同名会议。"})))

    assert result is UNSET
    assert form.errors == {"title": ["已有同名会议。"]}


def test_a_refusal_naming_no_field_of_the_form_shows_above_it():
    form = TitleForm({"title": "x"})
    form.is_valid()

    call_on_form(form, _refuse(ValidationError({"capacity": "已满。"})))
    call_on_form(form, _refuse(ValidationError("会议已取消。")))

    assert form.non_field_errors() == ["已满。", "会议已取消。"]


def test_a_service_that_succeeds_returns_its_result():
    form = TitleForm({"title": "x"})

    assert call_on_form(form, lambda a, b=0: a + b, 1, b=2) == 3
    assert call_or_flash(_request(), lambda: "done") == "done"


def test_a_refusal_after_a_one_button_action_becomes_messages():
    request = _request()

    result = call_or_flash(request, _refuse(ValidationError(["已截止。", "名额已满。"])))

    assert result is UNSET
    assert [str(m) for m in get_messages(request)] == ["已截止。", "名额已满。"]


def test_an_invalid_one_button_form_flashes_each_error_after_its_label():
    request = _request()
    form = TitleForm({"title": ""}, prefix="new")
    form.fields["title"].label = "标题"
    form.is_valid()

    flash_form_errors(request, form)

    assert [str(m) for m in get_messages(request)] == ["标题：该字段是必填项。"]


@pytest.mark.parametrize(
    ("query", "number"), [("", 1), ("page=2", 2), ("page=abc", 1), ("page=99999999999999", 3)]
)
def test_paginate_never_fails_on_what_the_query_says(query, number):
    page = paginate(_request(query), list(range(25)), per_page=10)

    assert page.number == number
