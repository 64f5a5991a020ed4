"""One answer runs a pinned number of queries, the same whether 4 or 14 organisations have
answered before it (some seated, the rest waiting): a rush of answers does not slow down as
the meeting fills. Through the mail's one-tap link (the page, then its confirm button) and
through the API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext

from liaison.tests.factories import OrganisationFactory
from meetings import links, services
from meetings.models import Invitation
from meetings.tests.factories import AttendeeFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

S = Invitation.Status
CAPACITY = 2


@pytest.fixture
def meeting():
    start = datetime.now(UTC) + timedelta(days=30)
    return MeetingFactory(start=start, end=start + timedelta(hours=2), capacity=CAPACITY)


def answered_before(meeting, secretariat, count: int) -> None:
    """``count`` organisations answer first: the first two take the seats, the rest wait."""
    for n in range(count):
        services.record_rsvp(
            InvitationFactory(meeting=meeting, organisation=OrganisationFactory()),
            status=S.ACCEPTED,
            attendees=[{"name": f"先到者{n}"}],
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
        )


def queries_of(answer) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer()
    return len(captured)


@pytest.mark.parametrize("before", [4, 14])
def test_one_tap_answer_by_link_query_count_constant(client, secretariat, meeting, before):
    answered_before(meeting, secretariat, before)
    invitation = InvitationFactory(meeting=meeting, delegate_name="赵六")
    path = links.rsvp_url(invitation)

    def open_page():
        response = client.get(f"{path}?answer={S.ACCEPTED}")
        assert response.context["quick"]["attendees"][0]["name"] == "赵六"

    def answer():
        response = client.post(path, {"quick_answer": S.ACCEPTED})
        assert response.status_code == 302

    # The page reads the invitation and its attendees (once for the form and the one-tap box).
    assert queries_of(open_page) == 2
    assert queries_of(answer) == 10
    invitation.refresh_from_db()
    # The meeting is full: the answer waits at the end of the list, nobody was seated.
    assert invitation.status == S.WAITLISTED
    assert invitation.waitlist_position == before - CAPACITY + 1
    assert [a.name for a in invitation.attendees.all()] == ["赵六"]
    assert meeting.invitations.filter(status=S.ACCEPTED).count() == CAPACITY


@pytest.mark.parametrize("before", [4, 14])
def test_answer_by_api_query_count_constant(api_for, member_a, secretariat, meeting, before):
    answered_before(meeting, secretariat, before)
    invitation = InvitationFactory(meeting=meeting, organisation=member_a.organisation)
    api = api_for(member_a)
    api.get("/api/v1/invitations/")  # the first request reads what every later one has cached

    def answer():
        response = api.post(
            f"/api/v1/invitations/{invitation.pk}/answer/",
            {"status": S.ACCEPTED, "attendees": [{"name": "钱七"}]},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == S.WAITLISTED

    assert queries_of(answer) == 13
    invitation.refresh_from_db()
    assert invitation.status == S.WAITLISTED
    assert invitation.waitlist_position == before - CAPACITY + 1
    assert [a.name for a in invitation.attendees.all()] == ["钱七"]


def test_declining_frees_a_seat_for_the_first_waiting(secretariat, meeting):
    answered_before(meeting, secretariat, 14)
    seated = meeting.invitations.filter(status=S.ACCEPTED).order_by("pk").first()
    first_waiting = meeting.invitations.waiting().first()

    result = services.record_rsvp(
        seated, status=S.DECLINED, actor=secretariat, channel=Invitation.Channel.PHONE
    )

    assert result.promoted == [first_waiting]
    first_waiting.refresh_from_db()
    assert first_waiting.status == S.ACCEPTED and first_waiting.waitlist_position is None
    assert meeting.invitations.filter(status=S.ACCEPTED).count() == CAPACITY
    assert meeting.invitations.waiting().count() == 14 - CAPACITY - 1


def test_an_invitations_attendees_are_read_in_their_order_from_their_own_table(meeting):
    """Every answer reads the invitation's attendees under the meeting's lock: one seek, not a
    join of the invitation, meeting, organisation and person to sort them."""
    first, second = InvitationFactory(meeting=meeting), InvitationFactory(meeting=meeting)
    for invitation, names in ((first, ["乙", "甲"]), (second, ["丁", "丙"])):
        for position, name in reversed(list(enumerate(names))):
            AttendeeFactory(invitation=invitation, name=name, position=position)
    invitations = list(Invitation.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))

    with CaptureQueriesContext(connection) as captured:
        prefetch_related_objects(invitations, "attendees")
        one = [a.name for a in Invitation.objects.get(pk=first.pk).attendees.all()]

    assert [[a.name for a in i.attendees.all()] for i in invitations] == [
        ["乙", "甲"],
        ["丁", "丙"],
    ]
    assert one == ["乙", "甲"]
    attendee_reads = [q["sql"] for q in captured if 'FROM "meetings_attendee"' in q["sql"]]
    assert len(attendee_reads) == 2
    assert not [sql for sql in attendee_reads if "JOIN" in sql]


def test_a_one_tap_answer_names_the_liaison_read_without_joins(meeting):
    from liaison.tests.factories import PersonFactory

    organisation = OrganisationFactory(name="甲企业")
    PersonFactory(organisation=organisation, name="王员工", is_liaison=False)
    PersonFactory(organisation=organisation, name="张联络", is_liaison=True)
    invitation = InvitationFactory(meeting=meeting, organisation=organisation)
    with CaptureQueriesContext(connection) as captured:
        attendees = services.one_tap_attendees(invitation, S.ACCEPTED)
    assert [a["name"] for a in attendees] == ["张联络"]
    person_reads = [q["sql"] for q in captured if "liaison_person" in q["sql"]]
    assert len(person_reads) == 1 and "JOIN" not in person_reads[0]


def test_under_the_lock_the_invitation_is_read_again_without_its_invitee(meeting, secretariat):
    from liaison.models import AuditEntry
    from liaison.tests.factories import PersonFactory

    person = PersonFactory(name="孙代表", organisation=OrganisationFactory(name="乙企业"))
    invitation = InvitationFactory(meeting=meeting, person=person, organisation=None)
    # Read as the signed link reads it; meanwhile another answer is recorded.
    seen = links.read_token(links.make_token(invitation))
    services.record_rsvp(
        Invitation.objects.get(pk=invitation.pk),
        status=S.TENTATIVE,
        attendees=[{"name": "孙代表"}],
        actor=secretariat,
        channel=Invitation.Channel.PHONE,
    )
    with CaptureQueriesContext(connection) as captured:
        services.record_rsvp(
            seen, status=S.DECLINED, actor=secretariat, channel=Invitation.Channel.PHONE
        )
    invitation_reads = [
        q["sql"] for q in captured if q["sql"].startswith('SELECT "meetings_invitation"')
    ]
    assert len(invitation_reads) == 1 and "JOIN" not in invitation_reads[0]
    entry = AuditEntry.objects.filter(object_id=str(invitation.pk)).latest("pk")
    # The answer replaced the one recorded meanwhile, not the one the link had read.
    status = next(change for change in entry.changes if change["field"] == "status")
    assert status["old"] == str(S.TENTATIVE.label)
    assert "孙代表（乙企业）" in entry.object_repr
    assert not Invitation.objects.get(pk=invitation.pk).attendees.exists()
