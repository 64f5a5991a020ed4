"""Journeys: the main jobs of each role, done in a real browser against a live server.

Each journey drives Debian's Chromium through Playwright, at 360 × 740 (a phone, touch) and at
1280 × 800 (a desktop), and fails on any request to another address than the test server, on
any console error or page error (Chromium reports every 4xx/5xx answer as a console error, so
a page that leads to a 403 or 404 fails too), and on sideways overflow of the page at 360 px.
Requests to other addresses are also stopped before they leave the machine. Every step is
saved as a full-page screenshot under ``DATA_DIR/journeys/<test>/`` (git-ignored) for a person
to look at after a run. The server is pytest-django's ``live_server`` over a committed test
database (``transactional_db``), with ``SITE_URL`` pointed at it so mail links reach it.

With ``JOURNEYS_SERVER`` set (``scripts/cluster.sh`` sets it to its nginx), the journeys drive
that server instead: the servers behind it share this run's settings (database, Redis, bucket,
secret key), so the data a journey makes here is what they serve. That database is used as it
is (no test database is made); each journey starts from it emptied, with its sequences reset
so that the content types come back with the ids the servers have in memory. Background work
runs on the servers' workers: a journey waits for it (``Journey.settle``) and reads the mail
from the SMTP sink's folder (``CLUSTER_MAIL_DIR``).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.conf import global_settings
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from liaison.models import ChannelDelivery
from meetings.models import MailDelivery, Meeting
from meetings.tests.factories import MeetingFactory
from meetings.tests.minutes_setup import minutes, minutes_media, setting  # noqa: F401

CHROMIUM = os.environ.get("JOURNEYS_CHROMIUM", "/usr/bin/chromium")
# A server already running elsewhere (behind a proxy), instead of pytest-django's live server.
OUTSIDE_SERVER = os.environ.get("JOURNEYS_SERVER", "").rstrip("/")
# No sandbox: the suite runs as root in CI. The rest keeps Chromium from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
PASSWORD = "correct horse 42"  # the password of liaison.tests.factories.UserFactory
# Opened by the browser itself, never sent over the network.
LOCAL_SCHEMES = {"data", "blob", "about"}


def screenshots_root() -> Path:
    return Path(django_settings.DATA_DIR) / "journeys"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The journeys run after every unit test, whatever order pytest-django chose for the
    rest: once the browser is started, Playwright's event loop runs in this thread until the
    end of the session, where code that starts its own (pyHanko's signing) would fail. Each
    pytest-xdist worker keeps this order for its share (``--dist load``, pyproject)."""
    here = Path(__file__).parent
    items.sort(key=lambda item: here in item.path.parents)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the teardown knows whether the test failed."""
    report = yield
    setattr(item, f"journey_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One Chromium for the whole run; each journey opens its own contexts in it."""
    # Imported here, when a journey first needs the browser: a run of the unit tests alone
    # collects this conftest too, and need not load Playwright and its driver.
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=2_000)

    # Playwright's synchronous API runs an event loop in this thread, which Django would take
    # for an async context and refuse database access in the test itself.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            if not Path(CHROMIUM).exists():
                pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh (Debian's chromium)")
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "also_without_javascript: the journey's pages promise to work without JavaScript; "
        "it runs a third time, on the phone with JavaScript disabled",
    )


def pytest_generate_tests(metafunc):
    """Every journey runs on the phone and on the desktop; those marked
    ``also_without_javascript`` run on the phone without JavaScript too (where such pages are
    used: in-app browsers and locked-down phones). A test may choose its own ``browsing``."""
    chosen = any(
        "browsing" in marker.args[0] for marker in metafunc.definition.iter_markers("parametrize")
    )
    if "journey" not in metafunc.fixturenames or chosen:
        return
    browsings = {"phone": ("phone", True), "desktop": ("desktop", True)}
    if metafunc.definition.get_closest_marker("also_without_javascript"):
        browsings["phone-nojs"] = ("phone", False)
    metafunc.parametrize("browsing", list(browsings.values()), ids=list(browsings))


if OUTSIDE_SERVER:

    @pytest.fixture(scope="session")
    def django_db_setup():
        """The outside server's database, as it is: no test database is made."""


@pytest.fixture
def server(request, transactional_db, settings, tmp_path) -> str:
    """The live server's address, with the settings its pages and mails need under test (or
    the outside server's, over its emptied database)."""
    if OUTSIDE_SERVER:
        empty_outside_database(settings)
        return OUTSIDE_SERVER
    live_server = request.getfixturevalue("live_server")
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    # Plain HTTP on localhost: cookies marked Secure would not come back from the browser.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server.url


def empty_outside_database(settings) -> None:
    """Empty the outside server's database, sequences reset: the content types are made again
    in the order of the apps with the same ids as when the servers started (``cluster.sh``
    empties the database the same way before it starts them), so the ids the servers keep in
    memory stay right. Passwords are hashed as on the servers (the suite's fast hasher is not
    among theirs)."""
    call_command("flush", interactive=False, verbosity=0, reset_sequences=True)
    ContentType.objects.clear_cache()
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def outside_mail_folder() -> Path:
    """Where the outside server's SMTP sink keeps each mail as a .eml file."""
    return Path(os.environ["CLUSTER_MAIL_DIR"])


class Mail(NamedTuple):
    to: list[str]
    subject: str
    body: str


class Problems(AssertionError):
    """What the guards saw go wrong in the browser, one line each."""


class Visitor:
    """One person in their own browser context (cookies, tabs), with the journey's guards."""

    def __init__(self, journey: Journey, name: str, *, viewport: str, javascript: bool):
        self.journey = journey
        self.name = name
        self.viewport = viewport
        self.width = VIEWPORTS[viewport]["viewport"]["width"]
        self.context = journey.browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            java_script_enabled=javascript,
            accept_downloads=True,
            # The outside server's proxy may have a test certificate (cluster.sh makes one).
            ignore_https_errors=bool(OUTSIDE_SERVER),
            **VIEWPORTS[viewport],
        )
        # Every step waits for its page to load, so what is not there at once is missing:
        # short waits for elements, long ones for pages (a PDF report is made on request).
        self.context.set_default_timeout(3_000)
        self.context.set_default_navigation_timeout(60_000)
        # Nothing leaves the machine: requests elsewhere are stopped here (and reported).
        self.context.route(
            re.compile(rf"^(?!{re.escape(journey.server)}/)(https?|wss?|ftp):"),
            lambda route: route.abort(),
        )
        self.context.on("request", self._request)
        self.context.on("console", self._console)
        self.context.on("weberror", self._page_error)
        self.page = self.context.new_page()
        self.page.on("framenavigated", self._navigated)
        self.navigations = 0
        self.checked = 0

    # --- guards ------------------------------------------------------------------------------

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in LOCAL_SCHEMES:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.journey.server:
            self.journey.problems.append(f"{self.name}: request to another address: {request.url}")

    def _console(self, message) -> None:
        if message.type == "error":
            self.journey.problems.append(
                f"{self.name}: console error on {message.page.url if message.page else '?'}: "
                f"{message.text}"
            )

    def _page_error(self, error) -> None:
        self.journey.problems.append(f"{self.name}: page error: {error.error}")

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigations += 1

    # --- steps -------------------------------------------------------------------------------

    def step(self, name: str, *, refreshed: bool = False) -> None:
        """After each navigation: no sideways overflow at 360 px, a screenshot, no problem.
        ``refreshed``: the page may have reloaded itself since (a report being made)."""
        self.page.wait_for_load_state()
        if self.navigations - self.checked > 1 and not refreshed:
            self.journey.problems.append(
                f"{self.name}: {self.navigations - self.checked} pages opened before step {name!r}; "
                "each navigation is followed by a step"
            )
        self.checked = self.navigations
        self.journey.screenshot(self, name)
        if self.width <= 360:
            # innerWidth grows with the content on a phone (the page zooms out to fit), so the
            # page's width is compared with the layout viewport (clientWidth) instead.
            scroll, client = self.page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                self.journey.problems.append(
                    f"{self.name}: {self.page.url} is {scroll} px wide on a {client} px screen "
                    f"(step {name!r})"
                )
        self.journey.assert_no_problems()

    def open(self, path: str, step: str):
        response = self.page.goto(self.journey.server + path)
        self.step(step)
        return response

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.open("/accounts/login/", "sign-in")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        self.step("signed-in")

    def enter_as(self, user) -> None:
        """Be signed in as ``user`` without the sign-in page (the official's journey goes
        through it): a session made on the server, its cookie given to the browser."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": self.journey.server,
                }
            ]
        )

    def download(self, locator) -> bytes:
        """Click a download link; the downloaded file's bytes (a PDF may be made first)."""
        with self.page.expect_download(timeout=60_000) as info:
            locator.click()
        download = info.value
        assert download.failure() is None, download.failure()
        self.journey.assert_no_problems()
        return Path(download.path()).read_bytes()


class Journey:
    """The browsers of one test: one Visitor per person, screenshots in one folder."""

    def __init__(self, browser, server: str, folder: Path, *, viewport: str, javascript: bool):
        self.browser = browser
        self.server = server
        self.folder = folder
        self.viewport = viewport
        self.javascript = javascript
        self.problems: list[str] = []
        self.visitors: list[Visitor] = []
        self.shots = 0
        # Mail that reached the outside server's SMTP sink before this journey is not its own.
        self.old_mail = set(outside_mail_folder().glob("*.eml")) if OUTSIDE_SERVER else set()

    def visitor(self, name: str, *, viewport: str | None = None) -> Visitor:
        visitor = Visitor(
            self, name, viewport=viewport or self.viewport, javascript=self.javascript
        )
        self.visitors.append(visitor)
        return visitor

    def screenshot(self, visitor: Visitor, step: str) -> None:
        self.shots += 1
        name = re.sub(r"[^\w.-]+", "-", f"{self.shots:02d}-{visitor.name}-{step}")
        visitor.page.screenshot(path=self.folder / f"{name}.png", full_page=True)

    def settle(self, timeout: float = 30) -> None:
        """Wait until the mail and channel messages of the journey have left: at once on the
        live server (its background work runs in-process), on an outside server when its
        worker is done."""
        mail_pending = MailDelivery.objects.filter(
            status__in=[MailDelivery.Status.QUEUED, MailDelivery.Status.SENDING]
        )
        messages_pending = ChannelDelivery.objects.filter(status=ChannelDelivery.Status.QUEUED)
        deadline = time.monotonic() + timeout
        while mail_pending.exists() or messages_pending.exists():
            assert time.monotonic() < deadline, "the worker did not send the messages in time"
            time.sleep(0.1)

    def mails(self) -> list[Mail]:
        """The mail sent during the journey, oldest first."""
        if not OUTSIDE_SERVER:
            return [Mail(m.to, m.subject, m.body) for m in mail.outbox]
        self.settle()
        mails = []
        for path in sorted(set(outside_mail_folder().glob("*.eml")) - self.old_mail):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            body = message.get_body(preferencelist=("plain",)).get_content()
            mails.append(Mail([str(message["To"])], str(message["Subject"]), body))
        return mails

    def assert_no_problems(self) -> None:
        if self.problems:
            problems, self.problems = self.problems, []
            raise Problems("\n".join(problems))

    def close(self) -> None:
        for visitor in self.visitors:
            visitor.context.close()


@pytest.fixture
def journey(request, browser, server, browsing) -> Iterator[Journey]:
    """The browsers of the test, as ``browsing`` (viewport, JavaScript) says."""
    viewport, javascript = browsing
    folder = screenshots_root() / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    journey = Journey(browser, server, folder, viewport=viewport, javascript=javascript)
    yield journey
    journey.close()
    # What went wrong after the last step (a late request or console error) fails a test
    # that passed; a test that failed already says why.
    call = getattr(request.node, "journey_call", None)
    if call is not None and call.passed:
        journey.assert_no_problems()


# --- Data shared by the journeys -------------------------------------------------------------


def in_a_month() -> datetime:
    """10:00 Beijing time a month from now: answers are open and the links still work."""
    return timezone.now().replace(hour=2, minute=0, second=0, microsecond=0) + timedelta(days=30)


@pytest.fixture
def event(db) -> Meeting:
    """The event in Turpan a month from now, whose answer asks for travel and accommodation."""
    start = in_a_month()
    return MeetingFactory(
        kind=Meeting.Kind.EVENT,
        title="湖南民营企业进边疆·吐鲁番行",
        start=start,
        end=start + timedelta(days=2),
        city="吐鲁番市",
        venue="吐鲁番宾馆",
        answer_fields=["title", "phone", "travel", "accommodation"],
    )
