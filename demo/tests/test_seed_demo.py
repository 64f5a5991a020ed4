"""``manage.py seed_demo``: the source article's cooperation, loaded idempotently."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core import mail as outbox
from django.core.management import call_command
from django.utils import timezone

from liaison.models import (
    Association,
    AuditEntry,
    Mechanism,
    Organisation,
    Partnership,
    Person,
    Region,
    User,
)
from meetings import services
from meetings.models import Meeting

ARTICLE_ENTERPRISES = (
    "湖南衡岳中药饮片有限公司",
    "湖南兴盛优选电子商务有限公司",
    "郴州桂阳朝天龙椒辣业食品有限公司",
    "株洲市锦泓食品有限公司",
    "湖南竞网集团",
    "湖南疆漠漠商业连锁有限公司",
    "湖南五江集团",
)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def database_state() -> dict:
    """Every row of every model of the project's apps and of auth, M2M tables included."""
    models = [
        model
        for label in ("liaison", "meetings", "agreements", "auth")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


@pytest.fixture(autouse=True)
def _default_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


@pytest.mark.django_db
def test_seed_demo_loads_the_article(demo, client):
    output = demo.output

    # The region tree, with GB/T 2260 codes.
    turpan = Region.objects.get(name="吐鲁番市")
    assert turpan.code == "650400"
    assert turpan.parent.name == "新疆维吾尔自治区"
    assert sorted(child.name for child in turpan.children.all()) == sorted(
        ["高昌区", "鄯善县", "托克逊县"]
    )
    assert Region.objects.get(name="衡阳市").parent.name == "湖南省"
    assert Region.objects.get(name="桂阳县").parent.name == "郴州市"

    # The parties and the partnership.
    partnership = Partnership.objects.get()
    assert partnership.party_a.short_name == "湖南省工商联"
    assert partnership.party_a.kind == Organisation.Kind.FEDERATION
    assert partnership.party_b.name == "吐鲁番市人民政府"
    assert partnership.status == Partnership.Status.ACTIVE

    # The cadences: the event every two years from 2023, the joint meeting every year from 2024.
    event = Mechanism.objects.get(kind=Mechanism.Kind.EVENT)
    joint = Mechanism.objects.get(kind=Mechanism.Kind.JOINT_MEETING)
    span = (date(2023, 1, 1), date(2028, 12, 31))
    assert [day.year for day in event.expected_dates(*span)] == [2023, 2025, 2027]
    assert [day.year for day in joint.expected_dates(*span)] == [2024, 2025, 2026, 2027, 2028]
    assert list(event.focus_areas.values_list("name", flat=True)) == [
        "搭建交流合作平台",
        "健全定期互访机制",
        "助推吐鲁番特色产业基地建设",
        "深化湘吐产品供销协作",
        "加大人才培训交流力度",
    ]

    # Everything the article names is there, and not marked illustrative; no invented codes.
    for name in ARTICLE_ENTERPRISES:
        organisation = Organisation.objects.get(name=name)
        assert organisation.kind == Organisation.Kind.ENTERPRISE
        assert not organisation.is_illustrative
    assert not Organisation.objects.filter(credit_code__isnull=False).exists()
    assert Organisation.objects.get(name="湖南疆漠漠商业连锁有限公司").region.name == "衡阳市"
    assert Organisation.objects.get(name="湖南省援疆前方指挥部").kind == Organisation.Kind.OTHER
    assert Person.objects.get(name="刘翔").organisation.name == "湖南疆漠漠商业连锁有限公司"
    assert not Person.objects.get(name="刘事青").is_illustrative

    # The 2023 event was held; the later meetings are illustrative.
    first_event = Meeting.objects.get(
        title="2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"
    )
    assert first_event.status == Meeting.Status.HELD
    assert first_event.mechanism == event
    assert not first_event.is_illustrative
    local_start = timezone.localtime(first_event.start, timezone.get_fixed_timezone(8 * 60))
    assert (local_start.date(), local_start.hour, local_start.minute) == (date(2023, 12, 20), 9, 30)
    assert not Meeting.objects.exclude(partnership=partnership).exists()
    assert Meeting.objects.get(title="第三次联席会议").status == Meeting.Status.SCHEDULED
    assert all(m.is_illustrative for m in Meeting.objects.exclude(pk=first_event.pk))

    # The association: one president unit, two vice-president units, liaison people of their own.
    association = Association.objects.get(name="湘吐两地民营企业互助联谊会")
    memberships = list(association.memberships.select_related("liaison"))
    roles = [m.role for m in memberships]
    assert roles.count("president") == 1
    assert roles.count("vice_president") == 2
    assert all(m.is_illustrative and m.liaison.is_liaison for m in memberships)
    assert all(m.liaison.organisation_id == m.organisation_id for m in memberships)

    # The demo users, with their roles, can sign in with the known password.
    expected = {
        "secretariat": User.Role.SECRETARIAT,
        "official": User.Role.OFFICIAL,
        "member": User.Role.MEMBER,
        "member2": User.Role.MEMBER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.role == role
        signed_in = client.post("/accounts/login/", {"username": username, "password": "demo12345"})
        assert signed_in.status_code == 302, username
        client.post("/accounts/logout/")
        assert username in output
    secretariat = User.objects.get(username="secretariat")
    assert secretariat.is_staff and not secretariat.is_superuser
    assert secretariat.has_perm("liaison.change_organisation")
    assert secretariat.has_perm("meetings.add_meeting")
    assert User.objects.get(username="member").organisation.name == "湖南兴盛优选电子商务有限公司"
    assert User.objects.get(username="member2").organisation.name == "湖南衡岳中药饮片有限公司"
    assert "demo12345" in output and "http://127.0.0.1:8000" in output

    # Everything written was audited.
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count() >= 50


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(demo):
    state, audit_entries = database_state(), AuditEntry.objects.count()

    output = seed()

    assert AuditEntry.objects.count() == audit_entries
    assert database_state() == state
    assert "0 created, 0 updated" in output


@pytest.mark.django_db
def test_seed_demo_repairs_changes_and_resets_passwords(demo, monkeypatch, client):
    federation = Organisation.objects.get(short_name="湖南省工商联")
    federation.short_name = "改错了"
    federation.save()
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret-42")

    seed()

    federation.refresh_from_db()
    assert federation.short_name == "湖南省工商联"
    entry = AuditEntry.objects.for_object(federation).first()
    assert entry.action == AuditEntry.Action.UPDATE
    assert [change["field"] for change in entry.changes] == ["short_name"]
    signed_in = client.post(
        "/accounts/login/", {"username": "member", "password": "another-secret-42"}
    )
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_seed_demo_prints_the_address_links_point_at(demo, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"  # scripts/demo_env.sh derives it from HOST/PORT
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "demo users at http://127.0.0.1:8123" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_again_keeps_a_meeting_moved_by_the_secretariat(
    demo, django_capture_on_commit_callbacks
):
    meeting = Meeting.objects.filter(status=Meeting.Status.SCHEDULED).first()
    secretariat = User.objects.filter(role=User.Role.SECRETARIAT).first()
    start = meeting.start + timedelta(days=3)
    moved = services.reschedule_meeting(
        meeting,
        start=start,
        end=start + (meeting.end - meeting.start),
        venue="新会场",
        city=meeting.city,
        actor=secretariat,
    )
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        seed()

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.start, stored.venue, stored.sequence) == (start, "新会场", moved.sequence)
    assert outbox.outbox == []
