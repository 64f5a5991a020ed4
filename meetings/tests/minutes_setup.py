"""Shared data for the minutes and decisions tests: a held joint meeting of a partnership
whose two parties each have a designated approver and a liaison person, with enterprise A
invited (two attendees: one present, one excused) and enterprise B not invited."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from liaison.models import Organisation, User
from liaison.tests.factories import (
    MechanismFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)
from meetings import minutes as workflow
from meetings.minutes import printing
from meetings.models import AgendaItem, Attendee, Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

PDF = b"%PDF-1.7\n% fake minutes\n%%EOF\n"


@dataclass
class Setting:
    meeting: Meeting
    party_a: Organisation
    party_b: Organisation
    approver_a: User
    approver_b: User
    liaison_a: User


@pytest.fixture
def minutes_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def setting(enterprise_a, minutes_media):
    party_a = OrganisationFactory(name="湖南省工商业联合会", kind=Organisation.Kind.FEDERATION)
    party_b = OrganisationFactory(name="吐鲁番市人民政府", kind=Organisation.Kind.GOVERNMENT)
    partnership = PartnershipFactory(party_a=party_a, party_b=party_b)
    mechanism = MechanismFactory(partnership=partnership, first_date=date(2024, 6, 1))
    start = datetime(2024, 6, 14, 1, 0, tzinfo=UTC)
    meeting = MeetingFactory(
        partnership=partnership,
        mechanism=mechanism,
        title="第一次联席会议",
        start=start,
        end=start + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )
    AgendaItem.objects.create(meeting=meeting, position=0, title="签约项目推进情况")
    invitation = InvitationFactory(
        meeting=meeting,
        organisation=enterprise_a,
        status=Invitation.Status.ACCEPTED,
        answered_at=timezone.now(),
    )
    Attendee.objects.create(
        invitation=invitation, name="王喆", title="总经理", attendance="present"
    )
    Attendee.objects.create(invitation=invitation, name="李赟", position=1, attendance="excused")
    approver_a = UserFactory(
        username="approver_a", role=User.Role.OFFICIAL, organisation=party_a, email="a@example.cn"
    )
    approver_b = UserFactory(
        username="approver_b", role=User.Role.OFFICIAL, organisation=party_b, email="b@example.cn"
    )
    liaison_a = UserFactory(username="liaison_a", role=User.Role.MEMBER, organisation=party_a)
    PersonFactory(
        organisation=party_a, is_liaison=True, user=liaison_a, email="liaison.a@example.cn"
    )
    PersonFactory(organisation=party_b, is_liaison=True, email="liaison.b@example.cn")
    return Setting(meeting, party_a, party_b, approver_a, approver_b, liaison_a)


@pytest.fixture
def minutes(setting, secretariat):
    return workflow.draft_minutes(
        setting.meeting,
        actor=secretariat,
        chairs="刘事青、艾力",
        recorder="彭晓岚",
        approver_a=setting.approver_a,
        approver_b=setting.approver_b,
    )


@pytest.fixture
def fake_renderer(monkeypatch):
    """The PDF layer is tested on its own: here it returns fixed bytes and counts its calls."""
    calls = []

    def render(document, *, archival=False, attachment_json=None):
        calls.append((document, archival))
        return PDF

    monkeypatch.setattr(printing, "_renderer", lambda: render)
    return calls


def published(minutes, setting, secretariat):
    """Circulate, approve by both parties and publish the minutes' current version."""
    version = workflow.current_version(minutes)
    workflow.circulate_minutes(version, actor=secretariat)
    workflow.approve_minutes(version, actor=setting.approver_a)
    workflow.approve_minutes(version, actor=setting.approver_b)
    return workflow.publish_minutes(version, actor=secretariat)


def decision(minutes, secretariat, *, units, deadline=None, text="推进签约项目落地"):
    return workflow.add_decision(
        minutes, actor=secretariat, text=text, responsible_units=units, deadline=deadline
    )
