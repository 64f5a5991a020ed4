"""Cancel, postpone, reschedule and close: allowed and refused transitions, the reason, the
meeting's identity, and the mail to the invitees who have not declined."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail as outbox
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from liaison.tests.factories import OrganisationFactory
from meetings import services
from meetings.models import Invitation, MailDelivery, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

S = Meeting.Status


@pytest.fixture
def meeting():
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    return MeetingFactory(
        start=start, end=start + timedelta(hours=3), rsvp_deadline=start - timedelta(days=5)
    )


@pytest.fixture
def invited(meeting, secretariat):
    """Pending, attending and declined invitations, each organisation with an address."""
    found = {}
    for name, answer in (("pending", None), ("accepted", "accepted"), ("declined", "declined")):
        invitation = InvitationFactory(
            meeting=meeting, organisation=OrganisationFactory(email=f"{name}@example.cn")
        )
        if answer:
            services.record_rsvp(
                invitation,
                status=answer,
                attendees=[{"name": "张三"}],
                actor=secretariat,
                channel=Invitation.Channel.PHONE,
            )
        found[name] = invitation
    return found


def recipients() -> list[str]:
    return sorted(address for message in outbox.outbox for address in message.to)


def test_cancel_tells_everyone_but_those_who_declined(
    meeting, invited, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_meeting(meeting, reason="场地维修", actor=secretariat)

    assert (cancelled.status, cancelled.status_reason) == (S.CANCELLED, "场地维修")
    assert cancelled.sequence == meeting.sequence + 1
    assert recipients() == ["accepted@example.cn", "pending@example.cn"]
    message = outbox.outbox[0]
    assert message.subject == f"会议取消通知：{meeting.title}"
    assert "以下会议已取消" in message.body and "原因：场地维修" in message.body
    assert "原因：场地维修" in message.alternatives[0][0]
    assert "/meetings/rsvp/" not in message.body  # nothing to answer any more
    assert set(MailDelivery.objects.values_list("kind", flat=True)) == {"cancellation"}


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_and_postpone_need_a_reason(meeting, secretariat, reason):
    for change in (services.cancel_meeting, services.postpone_meeting):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
            change(meeting, reason=reason, actor=secretariat)
        assert error.value.message_dict["reason"] == ["请填写原因，该原因将告知受邀单位。"]
    meeting.refresh_from_db()
    assert meeting.status == S.SCHEDULED


def test_cancelling_a_draft_mails_nobody(
    meeting, invited, secretariat, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=meeting.pk).update(status=S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, reason="取消", actor=secretariat)
    assert outbox.outbox == []


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (S.CANCELLED, "cancel"),
        (S.CLOSED, "cancel"),
        (S.HELD, "postpone"),
        (S.POSTPONED, "postpone"),
        (S.DRAFT, "postpone"),
        (S.SCHEDULED, "close"),
        (S.CLOSED, "close"),
        (S.HELD, "reschedule"),
        (S.CANCELLED, "reschedule"),
    ],
)
def test_refused_transitions_change_nothing(meeting, secretariat, status, change):
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    calls = {
        "cancel": lambda: services.cancel_meeting(meeting, reason="原因", actor=secretariat),
        "postpone": lambda: services.postpone_meeting(meeting, reason="原因", actor=secretariat),
        "close": lambda: services.close_meeting(meeting, actor=secretariat),
        "reschedule": lambda: services.reschedule_meeting(
            meeting,
            start=meeting.start + timedelta(days=1),
            end=meeting.end + timedelta(days=1),
            venue="新会场",
            city="长沙市",
            actor=secretariat,
        ),
    }
    with pytest.raises(ValidationError):
        calls[change]()
    meeting.refresh_from_db()
    assert meeting.status == status
    assert not MailDelivery.objects.exists()


def test_close_a_held_meeting(meeting, secretariat):
    Meeting.objects.filter(pk=meeting.pk).update(status=S.HELD)
    assert services.close_meeting(meeting, actor=secretariat).status == S.CLOSED


def test_postpone_with_a_provisional_date_moves_the_deadline_and_tells_invitees(
    meeting, invited, secretariat, django_capture_on_commit_callbacks
):
    new_start = meeting.start + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        postponed = services.postpone_meeting(
            meeting, reason="与展会冲突", new_start=new_start, actor=secretariat
        )

    assert postponed.status == S.POSTPONED
    assert postponed.end - postponed.start == timedelta(hours=3)
    assert postponed.rsvp_deadline == new_start - timedelta(days=5)
    # A new time asks every earlier answer again, declined ones included.
    assert recipients() == ["accepted@example.cn", "declined@example.cn", "pending@example.cn"]
    assert outbox.outbox[0].subject == f"会议变更通知：{meeting.title}"
    assert "延期" in outbox.outbox[0].body and "原因：与展会冲突" in outbox.outbox[0].body


def test_reschedule_keeps_identity_raises_sequence_and_notifies(
    meeting, invited, secretariat, django_capture_on_commit_callbacks
):
    pk, uid, sequence = meeting.pk, meeting.uid, meeting.sequence
    start = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.reschedule_meeting(
            meeting,
            start=start,
            end=start + timedelta(hours=2),
            venue="湖南国际会展中心",
            city="长沙市",
            actor=secretariat,
        )

    stored = Meeting.objects.get(pk=pk)
    assert (stored.uid, stored.sequence) == (uid, sequence + 1)
    assert (stored.city, stored.venue, stored.start) == ("长沙市", "湖南国际会展中心", start)
    assert moved.pk == pk
    assert Meeting.objects.count() == 1
    assert recipients() == ["accepted@example.cn", "declined@example.cn", "pending@example.cn"]
    body = outbox.outbox[0].body
    assert "时间或地点已变更" in body
    assert "2027-03-02 10:00 – 12:00" in body and "北京时间（UTC+8）" in body
    assert "长沙市 · 湖南国际会展中心" in body


def test_rescheduling_a_postponed_meeting_schedules_it_again(meeting, secretariat):
    services.postpone_meeting(meeting, reason="待定", actor=secretariat)
    start = meeting.start + timedelta(days=7)
    rescheduled = services.reschedule_meeting(
        meeting,
        start=start,
        end=start + timedelta(hours=3),
        venue=meeting.venue,
        city=meeting.city,
        actor=secretariat,
    )
    assert (rescheduled.status, rescheduled.status_reason) == (S.SCHEDULED, "")


def test_rescheduling_to_the_same_time_and_place_is_refused(meeting, secretariat):
    with pytest.raises(ValidationError):
        services.reschedule_meeting(
            meeting,
            start=meeting.start,
            end=meeting.end,
            venue=meeting.venue,
            city=meeting.city,
            actor=secretariat,
        )


@pytest.mark.parametrize("name", ["official", "member_a", "anonymous"])
def test_only_the_secretariat_changes_the_lifecycle(meeting, persona, name):
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(meeting, reason="原因", actor=persona[name])


# --- Pages and API ------------------------------------------------------------------------------


def test_cancel_on_the_page(
    client_for, meeting, invited, secretariat, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    assert "取消会议" in client.get(f"/meetings/{meeting.pk}/").content.decode()

    refused = client.post(f"/meetings/{meeting.pk}/cancel/", {"cancel-reason": ""}, follow=True)
    assert Meeting.objects.get(pk=meeting.pk).status == S.SCHEDULED
    assert any("原因" in str(m) for m in refused.context["messages"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/cancel/", {"cancel-reason": "台风"})
    assert response.url == f"/meetings/{meeting.pk}/"
    assert Meeting.objects.get(pk=meeting.pk).status_reason == "台风"
    assert len(outbox.outbox) == 2
    assert "台风" in client.get(response.url).content.decode()


def test_reschedule_on_the_page(client_for, meeting, secretariat):
    response = client_for(secretariat).post(
        f"/meetings/{meeting.pk}/reschedule/",
        {"start": "2027-03-02T10:00", "end": "2027-03-02T12:00", "city": "长沙市", "venue": ""},
    )
    assert response.status_code == 302
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.start == datetime(2027, 3, 2, 2, 0, tzinfo=UTC)  # entered in Beijing time
    assert stored.city == "长沙市"


@pytest.mark.parametrize("name", ["official", "member_a"])
@pytest.mark.parametrize("action", ["cancel", "postpone", "reschedule", "close"])
def test_members_and_officials_cannot_change_the_lifecycle(
    client_for, api_for, persona, meeting, name, action
):
    user = persona[name]
    assert client_for(user).post(f"/meetings/{meeting.pk}/{action}/").status_code == 403
    response = api_for(user).post(f"/api/v1/meetings/{meeting.pk}/{action}/", {"reason": "x"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == S.SCHEDULED


def test_api_cancel_postpone_and_reschedule(api_for, meeting, secretariat):
    api = api_for(secretariat)
    url = f"/api/v1/meetings/{meeting.pk}"

    refused = api.post(f"{url}/cancel/", {"reason": ""})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "请填写原因，该原因将告知受邀单位。"

    postponed = api.post(f"{url}/postpone/", {"reason": "待定"}).json()
    assert (postponed["status"], postponed["sequence"]) == ("postponed", 1)
    rescheduled = api.post(
        f"{url}/reschedule/",
        {"start": "2027-03-02T10:00:00+08:00", "end": "2027-03-02T12:00:00+08:00", "city": "长沙"},
        format="json",
    ).json()
    assert (rescheduled["status"], rescheduled["uid"]) == ("scheduled", str(meeting.uid))
    assert api.post(f"{url}/close/").status_code == 400
    assert api.post(f"{url}/cancel/", {"reason": "取消"}).json()["status"] == "cancelled"


def test_a_new_time_asks_again_and_rebuilds_the_waiting_list_from_new_answers(
    meeting, secretariat, client_for, api_for
):
    Meeting.objects.filter(pk=meeting.pk).update(capacity=1)
    meeting.refresh_from_db()
    first, second = (
        InvitationFactory(meeting=meeting, organisation=OrganisationFactory()) for _ in range(2)
    )
    for invitation in (first, second):
        services.record_rsvp(
            invitation,
            status="accepted",
            attendees=[{"name": "张三"}],
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
        )
    assert Invitation.objects.get(pk=second.pk).status == Invitation.Status.WAITLISTED

    start = meeting.start + timedelta(days=7)
    services.reschedule_meeting(
        meeting,
        start=start,
        end=start + timedelta(hours=3),
        venue="新会场",
        city="",
        actor=secretariat,
    )
    stored = {i.pk: i for i in Invitation.objects.filter(meeting=meeting)}
    assert {i.status for i in stored.values()} == {Invitation.Status.TO_CONFIRM}
    assert {i.waitlist_position for i in stored.values()} == {None}
    assert {i.answer_sequence for i in stored.values()} == {0}
    assert Meeting.objects.get(pk=meeting.pk).answers_from_sequence == 1
    stale = api_for(secretariat).get(f"/api/v1/invitations/{first.pk}/").json()
    assert (stale["status"], stale["answers_current_version"]) == ("to_confirm", False)

    # The one that confirms first for the new time gets the seat; the other waits.
    for invitation in (second, first):
        services.record_rsvp(
            invitation,
            status="accepted",
            attendees=[{"name": "李四"}],
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
        )
    second, first = Invitation.objects.get(pk=second.pk), Invitation.objects.get(pk=first.pk)
    assert (second.status, first.status, first.waitlist_position) == ("accepted", "waitlisted", 1)
    assert (second.answer_sequence, Meeting.objects.get(pk=meeting.pk).sequence) == (1, 1)

    page = client_for(secretariat).get(f"/meetings/{meeting.pk}/invitations/").content.decode()
    assert "答复针对第 1 版（现为第 1 版）" in page and "待确认" in page
    data = api_for(secretariat).get(f"/api/v1/invitations/{second.pk}/").json()
    assert (data["answer_sequence"], data["answers_current_version"]) == (1, True)
    counts = api_for(secretariat).get(f"/api/v1/meetings/{meeting.pk}/counts/").json()
    assert (counts["accepted"], counts["waitlisted"], counts["to_confirm"]) == (1, 1, 0)


def test_after_a_new_place_the_member_is_asked_again_and_reminded(
    meeting, secretariat, member_a, enterprise_a, client_for, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    services.record_rsvp(
        invitation,
        status="declined",
        actor=secretariat,
        channel=Invitation.Channel.PHONE,
    )
    services.reschedule_meeting(
        meeting,
        start=meeting.start,
        end=meeting.end,
        venue="新会场",
        city=meeting.city,
        actor=secretariat,
    )

    page = client_for(member_a).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "待确认" in page and "请重新答复" in page
    assert "答复针对第 0 版（现为第 1 版）" in page

    Meeting.objects.filter(pk=meeting.pk).update(
        rsvp_deadline=datetime.now(UTC) + timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_pending(days=3) == 1
    assert MailDelivery.objects.filter(invitation=invitation, kind="reminder").count() == 1
