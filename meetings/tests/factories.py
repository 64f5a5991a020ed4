from datetime import UTC, datetime, timedelta

import factory

from liaison.tests.factories import OrganisationFactory, PartnershipFactory
from meetings.models import Invitation, Meeting


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
