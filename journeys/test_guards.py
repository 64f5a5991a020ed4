"""The journeys' guards fail a journey for what a person would not see in a test client."""

import pytest

from journeys.conftest import Problems


@pytest.mark.parametrize("browsing", [("phone", True)], ids=["phone"])
def test_guards_refuse_requests_elsewhere_console_errors_and_overflow(journey, server):
    person = journey.visitor("visitor")
    person.open("/accounts/login/", "sign-in")

    person.page.set_content(f'<img src="{server}/static/img/favicon.svg">')
    person.step("own-image")

    person.page.set_content('<img src="https://cdn.example.com/logo.png">')
    with pytest.raises(Problems, match=r"request to another address: https://cdn\.example\.com"):
        person.step("image-elsewhere")

    person.page.evaluate("console.error('不应出现的错误')")
    with pytest.raises(Problems, match=r"console error .*不应出现的错误"):
        person.step("console-error")

    person.page.set_content('<div style="width: 600px">宽</div>')
    with pytest.raises(Problems, match=r"is 6\d\d px wide on a 360 px screen"):
        person.step("overflow")
