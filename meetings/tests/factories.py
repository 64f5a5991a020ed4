from datetime import UTC, date, datetime, timedelta

import factory

from liaison.models import User
from liaison.tests.factories import OrganisationFactory, PartnershipFactory, UserFactory
from meetings.models import (
    AgendaItem,
    AgendaMaterial,
    Approval,
    Attendee,
    Comment,
    Decision,
    FollowUp,
    Invitation,
    MailDelivery,
    Meeting,
    Minutes,
    MinutesVersion,
)

PDF = b"%PDF-1.7\n% a test file\n%%EOF\n"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"第{n}次联席会议")
    kind = Meeting.Kind.JOINT_MEETING
    start = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
    end = factory.LazyAttribute(lambda m: m.start + timedelta(hours=3))
    city = "吐鲁番市"
    venue = "市政府会议室"
    status = Meeting.Status.SCHEDULED


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation of an organisation, not yet answered (answers go through the service)."""

    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    invitation = factory.SubFactory(InvitationFactory)
    name = factory.Sequence(lambda n: f"参会人{n}")
    title = "总经理"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"议题{n}")
    position = factory.Sequence(lambda n: n)


class AgendaMaterialFactory(factory.django.DjangoModelFactory):
    """A PDF of an agenda item, stored under ``MEDIA_ROOT``."""

    class Meta:
        model = AgendaMaterial

    item = factory.SubFactory(AgendaItemFactory)
    file = factory.django.FileField(filename="材料.pdf", data=PDF)
    original_name = "材料.pdf"
    content_type = "application/pdf"
    size = len(PDF)


class MailDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailDelivery

    invitation = factory.SubFactory(InvitationFactory)
    meeting = factory.SelfAttribute("invitation.meeting")
    kind = MailDelivery.Kind.INVITATION
    recipient = factory.Sequence(lambda n: f"invitee{n}@example.cn")


class MinutesFactory(factory.django.DjangoModelFactory):
    """Minutes of a held meeting, with an approver of each party."""

    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory, status=Meeting.Status.HELD)
    year = 2026
    serial = factory.Sequence(lambda n: n + 1)
    approver_a = factory.SubFactory(
        UserFactory,
        role=User.Role.OFFICIAL,
        organisation=factory.SelfAttribute("..meeting.partnership.party_a"),
    )
    approver_b = factory.SubFactory(
        UserFactory,
        role=User.Role.OFFICIAL,
        organisation=factory.SelfAttribute("..meeting.partnership.party_b"),
    )


class MinutesVersionFactory(factory.django.DjangoModelFactory):
    """The first, draft version (the workflow in ``meetings.minutes`` moves it on)."""

    class Meta:
        model = MinutesVersion

    minutes = factory.SubFactory(MinutesFactory)
    number = 1
    content = factory.LazyFunction(lambda: {"opening": "会议纪要（测试）"})


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    version = factory.SubFactory(MinutesVersionFactory)
    author = factory.SelfAttribute("version.minutes.approver_a")
    body = "建议补充落实时限。"


class ApprovalFactory(factory.django.DjangoModelFactory):
    """Party A's approval, by its designated approver."""

    class Meta:
        model = Approval

    version = factory.SubFactory(MinutesVersionFactory)
    party = factory.SelfAttribute("version.minutes.meeting.partnership.party_a")
    approver = factory.SelfAttribute("version.minutes.approver_a")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    minutes = factory.SubFactory(MinutesFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"议定事项{n}")
    deadline = date(2026, 12, 31)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    decision = factory.SubFactory(DecisionFactory)
    date = date(2026, 6, 1)
    text = "已召开专题推进会。"
