"""The answer service: every channel, delegates, the deadline, capacity and the waiting list."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison import audit
from liaison.models import Membership
from liaison.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegionFactory,
    UserFactory,
)
from meetings import audience, services
from meetings.models import Attendee, Invitation, Meeting, invitation_counts
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

S = Invitation.Status
C = Invitation.Channel
BEFORE_DEADLINE = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2026, 12, 6, 0, 0, tzinfo=UTC)


@pytest.fixture
def meeting():
    return MeetingFactory(
        rsvp_deadline=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        answer_fields=list(Meeting.AnswerField.values),
    )


@pytest.fixture
def invitation(meeting, enterprise_a):
    return InvitationFactory(meeting=meeting, organisation=enterprise_a)


def answer(invitation, actor, status=S.ACCEPTED, names=("张三",), channel=C.PAGE, **kwargs):
    kwargs.setdefault("now", BEFORE_DEADLINE)
    return services.record_rsvp(
        invitation,
        status=status,
        attendees=[{"name": name} for name in names],
        actor=actor,
        channel=channel,
        **kwargs,
    ).invitation


@pytest.mark.parametrize("channel", [C.PAGE, C.API, C.CALENDAR])
def test_member_accepts_through_each_signed_in_channel(invitation, member_a, channel):
    answered = answer(invitation, member_a, names=["张三", "李四"], channel=channel)

    assert answered.status == S.ACCEPTED
    assert answered.answered_via == channel
    assert answered.answered_at == BEFORE_DEADLINE
    assert [a.name for a in answered.attendees.all()] == ["张三", "李四"]
    entry = audit.history(answered).first()
    assert entry.actor == member_a
    assert str(Invitation.Channel(channel).label) in entry.note
    assert {c["field"] for c in entry.changes} >= {"status", "answered_via", "answered_at"}


def test_link_channel_needs_no_signed_in_actor(invitation):
    answered = answer(invitation, None, channel=C.LINK)

    assert answered.status == S.ACCEPTED
    assert audit.history(answered).first().actor is None


def test_travel_answers_are_stored(invitation, member_a):
    services.record_rsvp(
        invitation,
        status=S.ACCEPTED,
        attendees=[
            {
                "name": "艾力",
                "title": "副局长",
                "phone": "13900000001",
                "arrival_date": datetime(2026, 12, 9).date(),
                "arrival_transport": "CZ6886",
                "departure_date": datetime(2026, 12, 11).date(),
                "departure_transport": "G1234",
                "needs_accommodation": True,
                "dietary": Attendee.Dietary.HALAL,
            }
        ],
        actor=member_a,
        channel=C.PAGE,
        now=BEFORE_DEADLINE,
    )

    attendee = Attendee.objects.get()
    assert (attendee.arrival_transport, attendee.departure_transport) == ("CZ6886", "G1234")
    assert attendee.needs_accommodation and attendee.dietary == "halal"


def test_departure_before_arrival_is_refused(invitation, member_a):
    with pytest.raises(ValidationError):
        services.record_rsvp(
            invitation,
            status=S.ACCEPTED,
            attendees=[
                {
                    "name": "艾力",
                    "arrival_date": datetime(2026, 12, 9).date(),
                    "departure_date": datetime(2026, 12, 8).date(),
                }
            ],
            actor=member_a,
            channel=C.PAGE,
            now=BEFORE_DEADLINE,
        )
    invitation.refresh_from_db()
    assert invitation.status == S.PENDING and not Attendee.objects.exists()


def test_delegate_attends_when_nobody_else_is_named(invitation, member_a):
    answered = services.record_rsvp(
        invitation,
        status=S.ACCEPTED,
        delegate={"name": "王五", "title": "副总经理", "phone": "13800000000"},
        actor=member_a,
        channel=C.PAGE,
        now=BEFORE_DEADLINE,
    ).invitation

    assert (answered.delegate_name, answered.delegate_title) == ("王五", "副总经理")
    assert [(a.name, a.phone) for a in answered.attendees.all()] == [("王五", "13800000000")]


def test_delegate_needs_a_name(invitation, member_a):
    with pytest.raises(ValidationError):
        services.record_rsvp(
            invitation,
            status=S.ACCEPTED,
            delegate={"title": "副总经理"},
            actor=member_a,
            channel=C.PAGE,
            now=BEFORE_DEADLINE,
        )


def test_invited_person_attends_by_default(meeting):
    person = PersonFactory(name="刘翔", title="总经理")
    invitation = InvitationFactory(meeting=meeting, organisation=None, person=person)

    answered = answer(invitation, person_user(person), names=())

    assert [a.name for a in answered.attendees.all()] == ["刘翔"]


def person_user(person):
    user = UserFactory(organisation=person.organisation)
    person.user = user
    person.save()
    return user


def test_organisation_must_name_someone_to_accept(invitation, member_a):
    with pytest.raises(ValidationError) as error:
        answer(invitation, member_a, names=())

    assert "attendees" in error.value.message_dict
    invitation.refresh_from_db()
    assert invitation.status == S.PENDING


def test_decline_removes_the_attendees(invitation, member_a):
    answer(invitation, member_a, names=["张三"])
    declined = answer(invitation, member_a, status=S.DECLINED, note="出差")

    assert declined.status == S.DECLINED and declined.note == "出差"
    assert not declined.attendees.exists()


def test_changing_the_answer_keeps_a_returning_attendees_check_in_code(invitation, member_a):
    answer(invitation, member_a, names=["张三", "李四"])
    code = Attendee.objects.get(name="张三").check_in_code

    answer(invitation, member_a, status=S.TENTATIVE, names=["张三"])

    assert list(Attendee.objects.values_list("name", "check_in_code")) == [("张三", code)]


def test_another_members_invitation_cannot_be_answered(invitation, member_b, official):
    for actor in (member_b, official, None):
        with pytest.raises(PermissionDenied):
            answer(invitation, actor, channel=C.PAGE)
    invitation.refresh_from_db()
    assert invitation.status == S.PENDING
    assert audit.history(invitation).count() == 0


def test_only_the_secretariat_records_answers_by_phone(invitation, member_a):
    with pytest.raises(PermissionDenied):
        answer(invitation, member_a, channel=C.PHONE)


def test_members_refused_after_the_deadline_nothing_changes(invitation, member_a):
    answer(invitation, member_a, names=["张三"])

    for channel in (C.PAGE, C.LINK, C.API):
        with pytest.raises(ValidationError, match="2026-12-05 18:00"):
            answer(invitation, member_a, status=S.DECLINED, channel=channel, now=AFTER_DEADLINE)
    invitation.refresh_from_db()
    assert invitation.status == S.ACCEPTED


def test_secretariat_records_a_phone_answer_after_the_deadline(invitation, secretariat):
    answered = answer(
        invitation, secretariat, status=S.DECLINED, channel=C.PHONE, now=AFTER_DEADLINE
    )

    assert answered.status == S.DECLINED and answered.answered_via == C.PHONE
    assert audit.history(answered).first().actor == secretariat


def test_without_deadline_answers_close_when_the_meeting_starts(enterprise_a, member_a):
    meeting = MeetingFactory(rsvp_deadline=None)
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)

    with pytest.raises(ValidationError):
        answer(invitation, member_a, now=meeting.start + timedelta(minutes=1))
    assert answer(invitation, member_a, now=meeting.start).status == S.ACCEPTED


def test_cancelled_meeting_takes_no_answers(invitation, secretariat):
    Meeting.objects.filter(pk=invitation.meeting_id).update(status=Meeting.Status.CANCELLED)

    with pytest.raises(ValidationError):
        answer(invitation, secretariat, channel=C.PHONE)


def test_unknown_answer_is_refused(invitation, member_a):
    with pytest.raises(ValidationError):
        answer(invitation, member_a, status=S.PENDING)


# --- Capacity and the waiting list ----------------------------------------------------------


@pytest.fixture
def small_meeting(meeting):
    meeting.capacity = 3
    meeting.save()
    return meeting


def invited(meeting, count):
    return [InvitationFactory(meeting=meeting) for _n in range(count)]


def test_acceptances_beyond_capacity_wait_in_order(small_meeting, secretariat):
    first, second, third = invited(small_meeting, 3)

    assert answer(first, secretariat, names=["甲", "乙"], channel=C.PHONE).status == S.ACCEPTED
    waiting = answer(second, secretariat, names=["丙", "丁"], channel=C.PHONE)
    # One seat is free, but nobody overtakes the waiting list.
    behind = answer(third, secretariat, names=["戊"], channel=C.PHONE)

    assert (waiting.status, waiting.waitlist_position) == (S.WAITLISTED, 1)
    assert (behind.status, behind.waitlist_position) == (S.WAITLISTED, 2)
    counts = invitation_counts(small_meeting)
    assert (counts["headcount"], counts["waitlisted"], counts["accepted"]) == (2, 2, 1)


def test_a_decline_moves_the_waiting_list_up_and_records_it(small_meeting, secretariat):
    first, second, third = invited(small_meeting, 3)
    answer(first, secretariat, names=["甲", "乙"], channel=C.PHONE)
    answer(second, secretariat, names=["丙", "丁"], channel=C.PHONE)
    answer(third, secretariat, names=["戊"], channel=C.PHONE)

    result = services.record_rsvp(
        first, status=S.DECLINED, actor=secretariat, channel=C.PHONE, now=BEFORE_DEADLINE
    )

    assert [i.pk for i in result.promoted] == [second.pk, third.pk]
    for invitation in (second, third):
        invitation.refresh_from_db()
        assert (invitation.status, invitation.waitlist_position) == (S.ACCEPTED, None)
        entry = audit.history(invitation).first()
        assert entry.note == str(C.WAITLIST.label)
    assert invitation_counts(small_meeting)["headcount"] == 3


def test_the_first_waiting_that_does_not_fit_holds_the_others_back(small_meeting, secretariat):
    first, second, third = invited(small_meeting, 3)
    answer(first, secretariat, names=["甲", "乙", "丙"], channel=C.PHONE)
    answer(second, secretariat, names=["丁", "戊", "己"], channel=C.PHONE)
    answer(third, secretariat, names=["庚"], channel=C.PHONE)

    result = services.record_rsvp(
        first,
        status=S.ACCEPTED,
        attendees=[{"name": "甲"}],
        actor=secretariat,
        channel=C.PHONE,
        now=BEFORE_DEADLINE,
    )

    assert result.promoted == []
    third.refresh_from_db()
    assert third.status == S.WAITLISTED


def test_the_first_waiting_leaving_the_list_lets_the_next_fit(small_meeting, secretariat):
    # It held no seat, but it held back the one behind it: the list still moves up.
    first, second, third = invited(small_meeting, 3)
    answer(first, secretariat, names=["甲", "乙"], channel=C.PHONE)
    answer(second, secretariat, names=["丙", "丁"], channel=C.PHONE)
    answer(third, secretariat, names=["戊"], channel=C.PHONE)

    result = services.record_rsvp(
        second, status=S.DECLINED, actor=secretariat, channel=C.PHONE, now=BEFORE_DEADLINE
    )

    assert [i.pk for i in result.promoted] == [third.pk]
    third.refresh_from_db()
    assert (third.status, third.waitlist_position) == (S.ACCEPTED, None)
    assert invitation_counts(small_meeting)["headcount"] == 3


def test_a_waiting_answer_that_now_fits_is_seated_only_from_the_head(small_meeting, secretariat):
    first, second, third = invited(small_meeting, 3)
    answer(first, secretariat, names=["甲", "乙"], channel=C.PHONE)
    answer(second, secretariat, names=["丙", "丁"], channel=C.PHONE)
    answer(third, secretariat, names=["戊", "己"], channel=C.PHONE)

    # Third would fit with one attendee, but second waits ahead of it: it keeps its place.
    behind = answer(third, secretariat, names=["戊"], channel=C.PHONE)
    assert (behind.status, behind.waitlist_position) == (S.WAITLISTED, 2)
    # Second heads the list: with one attendee it fits and is seated.
    head = answer(second, secretariat, names=["丙"], channel=C.PHONE)
    assert (head.status, head.waitlist_position) == (S.ACCEPTED, None)
    third.refresh_from_db()
    assert third.status == S.WAITLISTED
    assert invitation_counts(small_meeting)["headcount"] == 3


def test_an_answer_that_held_no_seat_and_did_not_wait_moves_nobody(small_meeting, secretariat):
    first, second, third = invited(small_meeting, 3)
    answer(first, secretariat, names=["甲", "乙", "丙"], channel=C.PHONE)
    answer(second, secretariat, names=["丁"], channel=C.PHONE)

    result = services.record_rsvp(
        third, status=S.DECLINED, actor=secretariat, channel=C.PHONE, now=BEFORE_DEADLINE
    )

    assert result.promoted == []
    second.refresh_from_db()
    assert (second.status, second.waitlist_position) == (S.WAITLISTED, 1)


def test_more_capacity_moves_the_waiting_list_up(small_meeting, secretariat):
    first, second = invited(small_meeting, 2)
    answer(first, secretariat, names=["甲", "乙", "丙"], channel=C.PHONE)
    answer(second, secretariat, names=["丁"], channel=C.PHONE)

    small_meeting.refresh_from_db()
    small_meeting.capacity = 4
    services.save_meeting(small_meeting, actor=secretariat)

    second.refresh_from_db()
    assert second.status == S.ACCEPTED


# --- Inviting --------------------------------------------------------------------------------


def test_invite_organisations_is_idempotent_and_audited(meeting, secretariat, enterprise_a):
    other = OrganisationFactory()

    created = services.invite_organisations(meeting, [enterprise_a, other], actor=secretariat)
    again = services.invite_organisations(
        meeting, [enterprise_a, other, enterprise_a], actor=secretariat
    )

    assert len(created) == 2 and again == []
    assert meeting.invitations.count() == 2
    assert audit.history(created[0]).first().actor == secretariat


def test_invite_people_is_idempotent(meeting, secretariat):
    person = PersonFactory()

    assert len(services.invite_people(meeting, [person, person], actor=secretariat)) == 1
    assert services.invite_people(meeting, [person], actor=secretariat) == []


def test_only_the_secretariat_invites(meeting, member_a, enterprise_a):
    with pytest.raises(PermissionDenied):
        services.invite_organisations(meeting, [enterprise_a], actor=member_a)
    assert not meeting.invitations.exists()


def test_audience_helpers(meeting):
    active = MembershipFactory()
    MembershipFactory(association=active.association, status=Membership.Status.LEFT)
    active.association.partnership = meeting.partnership
    active.association.save()
    region = RegionFactory()
    inside = OrganisationFactory(region=RegionFactory(parent=region, level="prefecture"))

    assert list(audience.association_members(meeting.partnership)) == [active.organisation]
    assert set(audience.parties(meeting.partnership)) == {
        meeting.partnership.party_a,
        meeting.partnership.party_b,
    }
    assert list(audience.in_region(region)) == [inside]
    assert list(audience.in_sector(inside.sector)) == [inside]


def test_revoking_links_raises_the_version(invitation, secretariat, member_a):
    with pytest.raises(PermissionDenied):
        services.revoke_links(invitation, actor=member_a)

    assert services.revoke_links(invitation, actor=secretariat).token_version == 2
