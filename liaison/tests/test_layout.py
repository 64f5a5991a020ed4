"""Pages on a phone: list tables turn into cards whose every cell is labelled with its column,
dates never break inside, a same-day meeting shows its date once, the navigation wraps instead
of scrolling sideways (the charts: ``reports/tests/test_dashboard.py``).

These check the markup and the style sheet that a phone relies on; the pages themselves are
looked at in a real browser by the journeys."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template

from agreements.models import Agreement
from liaison.models import Association
from meetings import mail
from meetings.models import Decision, MailDelivery, Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text(encoding="utf-8")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class Tables(HTMLParser):
    """The tables of a page: their class, column headings and rows of cells."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.section = ""
        self.cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        table = self.tables[-1] if self.tables else None
        if tag == "table":
            self.tables.append({"class": attrs.get("class") or "", "headings": [], "rows": []})
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr" and table is not None and self.section != "thead":
            table["rows"].append([])
        elif tag in ("td", "th") and table is not None:
            self.cell = {"tag": tag, "attrs": attrs, "text": ""}
            if self.section == "thead":
                table["headings"].append(self.cell)
            else:
                table["rows"][-1].append(self.cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def tables_of(response) -> list[dict]:
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables


def headings(table: dict) -> list[str]:
    """The column heading of each column position (a heading spanning columns repeated)."""
    columns = []
    for th in table["headings"]:
        columns += [th["text"].strip()] * int(th["attrs"].get("colspan", 1))
    return columns


def assert_cells_labelled(table: dict) -> int:
    """Every data cell carries its column's heading as data-label; returns the cells checked."""
    columns = headings(table)
    checked = 0
    for row in table["rows"]:
        position = 0
        for cell in row:
            span = int(cell["attrs"].get("colspan", 1))
            if cell["tag"] == "td" and span < len(columns):
                assert "data-label" in cell["attrs"], (columns, cell)
                assert cell["attrs"]["data-label"] == columns[position], (columns, cell)
                checked += 1
            position += span
    return checked


def test_every_list_table_stacks_into_labelled_cards_on_a_phone(demo, client_for):
    event = Meeting.objects.get(title="2025湖南民营企业进边疆·吐鲁番行")
    mail.queue(event, event.invitations.all()[:3], kind=MailDelivery.Kind.INVITATION)
    minutes_meeting = Decision.objects.first().minutes.meeting
    secretariat = client_for(demo["secretariat"])
    secretariat.post("/reports/", {"kind": "follow_up"})  # a report in the list, still queued
    pages = [
        "/agreements/",
        "/agreements/statistics/",
        f"/associations/{Association.objects.get().pk}/",
        "/meetings/decisions/",
        f"/meetings/{minutes_meeting.pk}/minutes/",
        f"/meetings/{event.pk}/invitations/",
        f"/meetings/{event.pk}/mail/",
        "/dashboard/",
        "/reports/",
    ]
    for path in pages:
        response = secretariat.get(path, follow=True)
        lists = [t for t in tables_of(response) if "changes" not in t["class"]]
        assert lists, path
        for table in lists:
            assert "stack" in table["class"].split(), (path, table["class"])
            assert assert_cells_labelled(table) > 0, (path, headings(table))

    # The member's own figures stack as well.
    response = client_for(demo["member"]).get("/dashboard/")
    assert all("stack" in t["class"].split() for t in tables_of(response))


def test_the_style_sheet_stacks_tables_and_wraps_the_navigation_on_a_phone():
    phone = CSS[CSS.index("@media (max-width: 600px) {\n  table.stack") :]
    assert "content: attr(data-label)" in phone
    assert "table.stack > thead {" in phone  # the headings move into each cell's label
    navigation = re.search(r"\.mainnav ul \{[^}]*\}", CSS).group()
    assert "flex-wrap: wrap" in navigation and "overflow-x" not in navigation
    assert re.search(r"(^|\n)\.nowrap, time \{ white-space: nowrap; \}", CSS)


class UnguardedDates(HTMLParser):
    """The dates of a page's text that sit in no <time> and no element of class nowrap."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}
    SKIP = {"title", "option", "textarea", "script", "style"}

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, bool]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            classes = (dict(attrs).get("class") or "").split()
            guarded = tag == "time" or "nowrap" in classes or tag in self.SKIP
            self.open.append((tag, guarded or "changes" in classes))  # the audit's own table

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if DATE.search(data) and not any(guarded for _, guarded in self.open):
            self.found.append(data.strip())


def test_dates_never_break_inside(demo, client_for):
    event = Meeting.objects.get(title="2025湖南民营企业进边疆·吐鲁番行")
    minutes_meeting = Decision.objects.first().minutes.meeting
    secretariat = client_for(demo["secretariat"])
    pages = [
        "/agreements/",
        f"/agreements/{Agreement.objects.first().pk}/",
        "/meetings/decisions/",
        "/meetings/",
        f"/meetings/{event.pk}/",
        f"/meetings/{event.pk}/invitations/",
        f"/meetings/{minutes_meeting.pk}/minutes/",
        "/dashboard/",
        f"/partnerships/{event.partnership_id}/",
    ]
    unguarded = {}
    for path in pages:
        response = secretariat.get(path, follow=True)
        assert response.status_code == 200, path
        parser = UnguardedDates()
        parser.feed(response.content.decode())
        unguarded[path] = parser.found
    assert unguarded == {path: [] for path in pages}


def render_range(start: datetime, end: datetime) -> str:
    return Template("{% load meeting_time %}{% time_range start end %}").render(
        Context({"start": start, "end": end})
    )


def test_a_same_day_meeting_shows_its_date_once():
    html = render_range(
        datetime(2026, 12, 18, 1, 0, tzinfo=ZoneInfo("UTC")),  # 09:00 in Beijing
        datetime(2026, 12, 18, 9, 0, tzinfo=ZoneInfo("UTC")),  # 17:00 in Beijing
    )
    text = re.sub(r"<[^>]+>", "", html)
    assert text == "2026-12-18 09:00–17:00"
    assert html.startswith('<span class="nowrap">')
    assert 'datetime="2026-12-18T17:00:00+08:00"' in html


def test_a_meeting_over_several_days_shows_both_dates_each_unbroken():
    html = render_range(
        datetime(2026, 12, 17, 9, 0, tzinfo=BEIJING), datetime(2026, 12, 19, 18, 0, tzinfo=BEIJING)
    )
    assert re.sub(r"<[^>]+>", "", html) == "2026-12-17 09:00 – 2026-12-19 18:00"
    assert html.count('<span class="nowrap">') == 2


def test_a_day_that_ends_after_midnight_utc_is_still_one_beijing_day():
    # 08:00–23:00 Beijing is two UTC dates: the date is Beijing's, written once.
    html = render_range(
        datetime(2026, 12, 18, 8, 0, tzinfo=BEIJING), datetime(2026, 12, 18, 23, 0, tzinfo=BEIJING)
    )
    assert re.sub(r"<[^>]+>", "", html) == "2026-12-18 08:00–23:00"


def test_the_meeting_page_shows_a_same_day_meeting_date_once(client_for, member_a):
    meeting = MeetingFactory(
        start=datetime(2026, 12, 18, 9, 0, tzinfo=BEIJING),
        end=datetime(2026, 12, 18, 17, 0, tzinfo=BEIJING),
    )
    content = client_for(member_a).get(f"/meetings/{meeting.pk}/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", content))
    assert "2026-12-18 09:00–17:00" in text
    assert text.count("2026-12-18") == 1


# Tables a phone shows as they are: three short columns that fit in 360 px.
FITTING_TABLES = {
    "agreements/agreement_detail.html",  # commodity, quantity, unit
    "includes/history.html",  # field, before, after
}


def test_every_page_table_in_the_templates_is_a_labelled_stack():
    templates = Path(settings.BASE_DIR) / "templates"
    checked = 0
    for path in sorted(templates.rglob("*.html")):
        name = path.relative_to(templates).as_posix()
        if name.startswith(("pdf/", "reports/pdf/", "meetings/mail/")) or name in FITTING_TABLES:
            continue
        source = path.read_text(encoding="utf-8")
        for table in re.findall(r"<table\b.*?</table>", source, re.S):
            assert re.match(r'<table class="[^"]*\bstack\b', table), name
            for cell in re.findall(r"<td\b[^>]*>", table):
                assert "data-label=" in cell or "colspan=" in cell, (name, cell)
                checked += 1
    assert checked > 40


def test_form_sections_are_styled_not_the_browsers_framed_boxes():
    # The minutes draft editor groups its fields in <fieldset>s with a <legend> each.
    fieldset = re.search(r"(?m)^fieldset \{[^}]*\}", CSS).group()
    assert "border: 0" in fieldset and "padding: 0" in fieldset
    legend = re.search(r"(?m)^legend \{[^}]*\}", CSS).group()
    assert "font-weight: 600" in legend and "padding: 0" in legend
    assert re.search(r"(?m)^\.helptext \{[^}]*color: var\(--muted\)", CSS)
