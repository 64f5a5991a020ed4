from datetime import date

import factory
from django.contrib.contenttypes.models import ContentType

from liaison.models import (
    Association,
    AuditEntry,
    CalendarToken,
    Channel,
    ChannelDelivery,
    DailyRun,
    FocusArea,
    Mechanism,
    Membership,
    Notice,
    NoticeKind,
    Organisation,
    Partnership,
    Person,
    Region,
    Sector,
    User,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"地区{n}")
    level = Region.Level.PROVINCE


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"产业{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    kind = Organisation.Kind.ENTERPRISE
    region = factory.SubFactory(RegionFactory)
    sector = factory.SubFactory(SectorFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"联络人{n}")
    title = "办公室主任"
    organisation = factory.SubFactory(OrganisationFactory)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    email = factory.Sequence(lambda n: f"person{n}@example.cn")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.MEMBER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct horse 42")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"合作关系{n}")
    party_a = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FEDERATION)
    party_b = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.GOVERNMENT)
    started_on = date(2023, 12, 1)


class MechanismFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mechanism

    partnership = factory.SubFactory(PartnershipFactory)
    kind = Mechanism.Kind.JOINT_MEETING
    name = factory.Sequence(lambda n: f"联席会议{n}")
    rrule = "FREQ=YEARLY"
    first_date = date(2024, 6, 1)


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"互助联谊会{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    association = factory.SubFactory(AssociationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    joined_on = date(2024, 3, 1)


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    mechanism = factory.SubFactory(MechanismFactory, kind=Mechanism.Kind.EVENT)
    name = factory.Sequence(lambda n: f"重点领域{n}")


class AuditEntryFactory(factory.django.DjangoModelFactory):
    """An entry about an organisation (entries are written by ``liaison.audit`` in the code)."""

    class Meta:
        model = AuditEntry
        exclude = ["subject"]

    subject = factory.SubFactory(OrganisationFactory)
    content_type = factory.LazyAttribute(lambda e: ContentType.objects.get_for_model(e.subject))
    object_id = factory.LazyAttribute(lambda e: str(e.subject.pk))
    object_repr = factory.LazyAttribute(lambda e: str(e.subject))
    action = AuditEntry.Action.CREATE


class CalendarTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarToken

    user = factory.SubFactory(UserFactory)


class DailyRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyRun

    job = factory.Sequence(lambda n: f"meetings.mail.send_rsvp_reminders.{n}")
    day = factory.LazyFunction(date.today)


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    kind = Channel.Kind.WECOM
    name = factory.Sequence(lambda n: f"联络群{n}")
    target = factory.Sequence(
        lambda n: f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k{n}"
    )
    audience = Channel.Audience.PARTNERSHIP
    partnership = factory.SubFactory(PartnershipFactory)


class ChannelDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelDelivery

    channel = factory.SubFactory(ChannelFactory)
    kind = NoticeKind.INVITATION
    recipient = factory.LazyAttribute(lambda d: d.channel.name)
    payload = factory.LazyFunction(lambda: {"msgtype": "markdown", "markdown": {"content": "x"}})


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    user = factory.SubFactory(UserFactory)
    kind = NoticeKind.INVITATION
    title = factory.Sequence(lambda n: f"会议通知：第{n}次联席会议")
    url = "/meetings/"
