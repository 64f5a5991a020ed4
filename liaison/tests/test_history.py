"""The change history as officials read it: field names, readable values, system changes
named as such, long histories folded, and the same queries however long it is."""

import itertools
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from agreements.tests.factories import AgreementFactory
from liaison import audit, history
from liaison.templatetags.liaison_format import yuan
from liaison.tests.factories import PartnershipFactory
from meetings import services
from meetings.models import Meeting

pytestmark = pytest.mark.django_db

START = datetime(2030, 6, 1, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


@pytest.fixture
def meeting(secretariat):
    return services.schedule_meeting(
        PartnershipFactory(),
        actor=secretariat,
        title="第九次联席会议",
        kind=Meeting.Kind.JOINT_MEETING,
        start=START,
        end=START + timedelta(hours=2),
        answer_fields=["title", "phone", "travel"],
    )


def rows(html: str) -> list[tuple[str, str, str]]:
    cells = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", html)
    return [tuple(cell.strip() for cell in row) for row in cells]


def test_meeting_history_shows_labels_and_readable_values(client_for, official, meeting):
    html = client_for(official).get(f"/meetings/{meeting.pk}/").content.decode()
    changes = rows(html)
    assert ("回执内容", "—", "职务、联系电话、抵离信息") in changes
    assert ("开始时间", "—", "2030-06-01 09:30") in changes
    assert ("类型", "—", "联席会议") in changes
    assert "&#x27;title&#x27;" not in html and "['title'" not in html
    # Machine fields and a new meeting's empty fields are left out.
    assert not [row for row in changes if row[0] in ("日历 UID", "版本号", "线上会议链接")]


def test_booleans_dates_money_and_system_changes_read_as_words(secretariat):
    agreement = AgreementFactory(amount=Decimal("100.00"))
    agreement.amount = Decimal("7875000000.00")
    audit.save_audited(agreement, actor=None, note="seed_demo")
    agreement.amount = Decimal("65000000.00")
    audit.save_audited(agreement, actor=secretariat)
    meeting = Meeting.objects.create(
        partnership=agreement.partnership,
        title="考察",
        kind=Meeting.Kind.VISIT,
        start=START,
        end=START + timedelta(hours=1),
    )
    meeting.is_illustrative = True
    audit.save_audited(meeting, actor=None, note="seed_demo")

    with translation.override("zh-hans"):
        changed, loaded = history.readable_history(agreement)
        [flagged] = history.readable_history(meeting)
    [amount] = [c for c in changed.changes if c.label == "签约金额（元）"]
    # As the pages show money (the yuan filter), not "65000000.00".
    assert (amount.old, amount.new) == (yuan(Decimal("7875000000.00")), yuan(Decimal("65000000")))
    assert "亿元" in amount.old and "万元" in amount.new
    assert changed.actor == str(secretariat)
    assert (loaded.actor, loaded.note) == ("系统", "载入演示数据")
    assert [(c.label, c.old, c.new) for c in flagged.changes] == [("示例数据", "否", "是")]


def test_long_history_shows_the_latest_five_and_folds_the_rest(client_for, official, meeting):
    for capacity in range(1, 12):
        meeting.capacity = capacity
        services.save_meeting(meeting, actor=None)
    html = client_for(official).get(f"/meetings/{meeting.pk}/").content.decode()
    section = html[html.index('class="card history-section"') :]
    shown, folded = section.split('<details class="history-more">', 1)
    assert shown.count("<li>") == 5
    total = audit.history(meeting).count()  # scheduled, co-hosts set, 11 changes
    assert total == 13
    assert f"显示全部 {total} 条" in folded
    assert folded.count("<li>") == total - 5
    assert ("名额", "10", "11") in rows(shown)


def test_meeting_page_queries_do_not_grow_with_the_history(
    client_for, official, meeting, pinned_queries
):
    capacities = itertools.count(1)

    def change():
        meeting.capacity = next(capacities)
        services.save_meeting(meeting, actor=official)

    pinned_queries(
        client_for(official), f"/meetings/{meeting.pk}/", change, queries=8, small=3, large=39
    )


@pytest.mark.parametrize("changes", [2, 30])
def test_history_reads_in_two_queries(django_assert_num_queries, secretariat, meeting, changes):
    for capacity in range(1, changes + 1):
        meeting.capacity = capacity
        services.save_meeting(meeting, actor=secretariat)
    with django_assert_num_queries(2):  # the count, and the entries with their actors
        readable = history.readable_history(meeting)
    assert readable.total == changes + 2
