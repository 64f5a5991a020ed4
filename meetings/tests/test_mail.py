"""Meeting mail read from the outbox: who gets it, in Chinese, text and HTML, working answer
links, delivery records, a failing mail server, resending, rollback, the mail log."""

import re
from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail as outbox
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from icalendar import Calendar

from liaison.tests.factories import OrganisationFactory, PersonFactory
from meetings import links, services
from meetings.models import AgendaItem, Invitation, MailDelivery
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

Kind, Delivery = MailDelivery.Kind, MailDelivery.Status
FAILING = "meetings.tests.test_mail.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise SMTPException("550 mailbox unavailable")


@pytest.fixture
def meeting():
    start = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    return MeetingFactory(
        title="第二次联席会议",
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=start - timedelta(days=5),
        city="吐鲁番市",
        venue="市政府会议室",
    )


@pytest.fixture
def invitations(meeting, enterprise_a, enterprise_b):
    """A: its liaison person's address; B: only the organisation's address; a person with
    their own address; an organisation with no address at all."""
    PersonFactory(organisation=enterprise_a, is_liaison=True, email="liaison@a.example.cn")
    PersonFactory(organisation=enterprise_a, email="someone.else@a.example.cn")
    enterprise_b.email = "office@b.example.cn"
    enterprise_b.save()
    person = PersonFactory(email="wang@c.example.cn")
    return {
        "a": InvitationFactory(meeting=meeting, organisation=enterprise_a),
        "b": InvitationFactory(meeting=meeting, organisation=enterprise_b),
        "person": InvitationFactory(meeting=meeting, organisation=None, person=person),
        "none": InvitationFactory(meeting=meeting, organisation=OrganisationFactory()),
    }


def mail_to(address):
    found = [m for m in outbox.outbox if m.to == [address]]
    assert len(found) == 1, [m.to for m in outbox.outbox]
    return found[0]


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def send_all(meeting, actor, capture):
    with capture(execute=True):
        return services.send_invitations(meeting, actor=actor)


def test_invitations_go_to_person_liaison_or_organisation_address(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    assert send_all(meeting, secretariat, django_capture_on_commit_callbacks) == 4

    assert sorted(m.to[0] for m in outbox.outbox) == [
        "liaison@a.example.cn",
        "office@b.example.cn",
        "wang@c.example.cn",
    ]
    deliveries = {d.invitation_id: d for d in MailDelivery.objects.all()}
    assert deliveries[invitations["a"].pk].status == Delivery.SENT
    assert deliveries[invitations["a"].pk].sent_at is not None
    missing = deliveries[invitations["none"].pk]
    assert (missing.status, missing.error, missing.recipient) == (
        Delivery.FAILED,
        "no e-mail address",
        "",
    )
    assert len({d.batch for d in deliveries.values()}) == 1


def test_sending_twice_mails_nobody_twice(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)
    assert send_all(meeting, secretariat, django_capture_on_commit_callbacks) == 0
    assert len(outbox.outbox) == 3


def test_invitation_is_chinese_text_and_html_with_beijing_time_and_links(
    meeting, invitations, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://liaison.example.cn"
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)

    message = mail_to("liaison@a.example.cn")
    html = html_of(message)
    assert message.subject == "会议通知：第二次联席会议"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    for part in (message.body, html):
        assert "甲企业有限公司" in part
        assert "诚邀您参加以下会议" in part
        assert "2026-12-10 09:00 – 12:00" in part
        assert "北京时间（UTC+8）" in part
        assert "吐鲁番市 · 市政府会议室" in part
        assert "请于2026-12-05 09:00前回执" in part
        assert f"https://liaison.example.cn/meetings/{meeting.pk}/" in part
        for answer in ("accepted", "declined", "tentative"):
            assert re.search(
                rf"https://liaison\.example\.cn/meetings/rsvp/[^/]+/\?answer={answer}", part
            )
    assert "参加" in message.body and "不参加" in message.body and "待定" in message.body
    assert "&lt;" not in message.body  # the text part is not HTML-escaped


def answer_links(message, answer) -> list[str]:
    return re.findall(r"https?://[^\s\"<]+/meetings/rsvp/[^/\s]+/\?answer=" + answer, message.body)


def test_the_link_in_the_mail_answers_that_invitation(
    client, meeting, invitations, secretariat, settings, django_capture_on_commit_callbacks
):
    meeting.start = datetime.now(UTC) + timedelta(days=20)
    meeting.end = meeting.start + timedelta(hours=3)
    meeting.rsvp_deadline = meeting.start - timedelta(days=2)
    meeting.save()
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)
    (link,) = answer_links(mail_to("office@b.example.cn"), "accepted")
    path = link.removeprefix(settings.SITE_URL)

    page = client.get(path)
    assert page.status_code == 200
    assert page.context["invitation"].pk == invitations["b"].pk
    assert page.context["form"]["status"].value() == "accepted"

    data = {
        "status": "accepted",
        "note": "",
        "attendee-TOTAL_FORMS": "1",
        "attendee-INITIAL_FORMS": "0",
        "attendee-MIN_NUM_FORMS": "0",
        "attendee-MAX_NUM_FORMS": "50",
        "attendee-0-name": "张三",
        "attendee-0-dietary": "none",
    }
    assert client.post(path, data).status_code == 302
    answered = Invitation.objects.get(pk=invitations["b"].pk)
    assert (answered.status, answered.answered_via) == ("accepted", "link")
    assert Invitation.objects.get(pk=invitations["a"].pk).status == "pending"


def test_each_mail_carries_only_its_own_invitations_link(
    meeting, invitations, secretariat, settings, django_capture_on_commit_callbacks
):
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)
    body_a = mail_to("liaison@a.example.cn").body
    # Links are signed with a timestamp: compare what they stand for, not their text.
    prefix = links.rsvp_url(invitations["a"]).rsplit("/", 2)[0]
    tokens = re.findall(re.escape(prefix) + r"/([^/?\s\"]+)/", body_a)
    assert len(tokens) >= 3  # accept, decline, tentative
    assert {links.read_token(token).pk for token in tokens} == {invitations["a"].pk}


def test_failing_mail_server_marks_failed_and_resend_sends_them(
    meeting, invitations, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)

    failed = MailDelivery.objects.filter(status=Delivery.FAILED)
    assert failed.count() == 4
    assert "550 mailbox unavailable" in failed.get(invitation=invitations["a"]).error
    assert outbox.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_mail(meeting, actor=secretariat) == 3

    assert len(outbox.outbox) == 3
    assert MailDelivery.objects.filter(status=Delivery.SENT).count() == 3
    assert MailDelivery.objects.get(invitation=invitations["none"]).status == Delivery.FAILED
    assert MailDelivery.objects.count() == 4  # resent in place: one row per recipient


def test_resend_one_invitation_after_its_address_is_fixed(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)
    organisation = invitations["none"].organisation
    organisation.email = "new@d.example.cn"
    organisation.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_mail(meeting, actor=secretariat, invitation=invitations["none"])

    assert mail_to("new@d.example.cn").subject.startswith("会议通知")
    delivery = MailDelivery.objects.get(invitation=invitations["none"])
    assert (delivery.status, delivery.recipient) == (Delivery.SENT, "new@d.example.cn")


def test_no_mail_when_the_transaction_rolls_back(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.send_invitations(meeting, actor=secretariat)
        raise RuntimeError

    assert callbacks == []
    assert outbox.outbox == []
    assert not MailDelivery.objects.exists()


def test_moved_up_from_the_waiting_list_is_told(
    secretariat, enterprise_a, enterprise_b, django_capture_on_commit_callbacks
):
    start = datetime.now(UTC) + timedelta(days=20)
    meeting = MeetingFactory(start=start, end=start + timedelta(hours=2), capacity=1)
    PersonFactory(organisation=enterprise_b, is_liaison=True, email="liaison@b.example.cn")
    first = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    second = InvitationFactory(meeting=meeting, organisation=enterprise_b)

    def answer(invitation, status):
        return services.record_rsvp(
            invitation,
            status=status,
            attendees=[{"name": "张三"}],
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
        )

    with django_capture_on_commit_callbacks(execute=True):
        answer(first, "accepted")
        assert answer(second, "accepted").invitation.status == "waitlisted"
    assert outbox.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert answer(first, "declined").promoted == [second]

    message = mail_to("liaison@b.example.cn")
    assert message.subject == f"候补转正：{meeting.title}"
    assert "候补" in message.body
    assert MailDelivery.objects.get().kind == Kind.WAITLIST


# --- Pages and API ------------------------------------------------------------------------------


def test_bulk_invite_mails_and_the_mail_log_shows_the_batch(
    client_for, meeting, secretariat, django_capture_on_commit_callbacks
):
    partnership = meeting.partnership
    PersonFactory(organisation=partnership.party_a, is_liaison=True, email="fed@example.cn")
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/invite/", {"parties": "on", "confirm": "1"})

    assert response.url == f"/meetings/{meeting.pk}/mail/"
    assert [m.to for m in outbox.outbox] == [["fed@example.cn"]]
    page = client.get(response.url)
    progress = page.context["progress"]
    assert progress["counts"] == {"queued": 0, "sending": 0, "sent": 1, "failed": 1}
    assert [d.invitation.organisation for d in progress["failed"]] == [partnership.party_b]
    content = page.content.decode()
    assert "no e-mail address" in content
    assert "发送记录" in content


def test_mail_log_filters_by_kind_and_status(
    client_for, meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)
    client = client_for(secretariat)
    url = f"/meetings/{meeting.pk}/mail/"

    failed = client.get(url, {"status": "failed"}).context["page"]
    assert [d.invitation_id for d in failed] == [invitations["none"].pk]
    assert len(client.get(url, {"kind": "invitation"}).context["page"]) == 4
    assert len(client.get(url, {"kind": "reminder"}).context["page"]) == 0


def test_resend_from_the_page(
    client_for, meeting, invitations, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = client_for(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/meetings/{meeting.pk}/mail/resend/", {"invitation": invitations["b"].pk}
        )
    assert response.status_code == 302
    assert [m.to for m in outbox.outbox] == [["office@b.example.cn"]]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/meetings/{meeting.pk}/mail/resend/")
    assert len(outbox.outbox) == 3


def test_resend_all_failed_is_offered_only_while_mail_has_failed(
    client_for, meeting, invitations, secretariat, settings, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    url = f"/meetings/{meeting.pk}/mail/"
    assert 'id="resend-failed"' not in client.get(url).content.decode()

    settings.EMAIL_BACKEND = FAILING
    send_all(meeting, secretariat, django_capture_on_commit_callbacks)
    failed = MailDelivery.objects.filter(meeting=meeting, status=MailDelivery.Status.FAILED)
    assert failed.count() == 4
    assert "重新发送全部失败的通知 (4)" in client.get(url).content.decode()

    # Sent again, only the invitee without an address still fails.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/meetings/{meeting.pk}/mail/resend/")
    assert [d.invitation_id for d in failed] == [invitations["none"].pk]
    assert "重新发送全部失败的通知 (1)" in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["official", "member_a", "member_b"])
def test_only_the_secretariat_sees_the_mail_log_and_sends(
    client_for, api_for, persona, meeting, invitations, name
):
    user = persona[name]
    assert client_for(user).get(f"/meetings/{meeting.pk}/mail/").status_code == 403
    assert client_for(user).post(f"/meetings/{meeting.pk}/mail/resend/").status_code == 403
    api = api_for(user)
    assert api.get(f"/api/v1/meetings/{meeting.pk}/deliveries/").status_code == 403
    assert api.post(f"/api/v1/meetings/{meeting.pk}/send-invitations/").status_code == 403
    assert not MailDelivery.objects.exists()


def test_api_send_invitations_and_deliveries(
    api_for, meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    api = api_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/meetings/{meeting.pk}/send-invitations/")
    assert response.status_code == 202
    assert response.json() == {"queued": 4}
    assert len(outbox.outbox) == 3

    log = api.get(f"/api/v1/meetings/{meeting.pk}/deliveries/", {"status": "failed"}).json()
    assert [(d["invitation"], d["error"]) for d in log["results"]] == [
        (invitations["none"].pk, "no e-mail address")
    ]


def test_draft_meeting_sends_no_invitations(api_for, meeting, invitations, secretariat):
    meeting.status = meeting.Status.DRAFT
    meeting.save()
    response = api_for(secretariat).post(f"/api/v1/meetings/{meeting.pk}/send-invitations/")
    assert response.status_code == 400
    assert "会议" in response.json()["detail"]
    assert not MailDelivery.objects.exists()


@pytest.mark.parametrize("url", ["/meetings/{pk}/mail/", "/api/v1/meetings/{pk}/deliveries/"])
def test_mail_log_query_count_is_constant(
    client_for, api_for, secretariat, meeting, url, settings, pinned_queries
):
    settings.EMAIL_BACKEND = FAILING
    client = client_for(secretariat) if url.startswith("/meetings") else api_for(secretariat)

    def add():
        person = PersonFactory()
        invitation = InvitationFactory(meeting=meeting, organisation=None, person=person)
        MailDelivery.objects.create(
            meeting=meeting,
            invitation=invitation,
            kind=Kind.INVITATION,
            recipient=person.email,
            status=Delivery.FAILED,
            error="550",
        )

    pinned_queries(
        client,
        url.format(pk=meeting.pk),
        add,
        queries={"/meetings/{pk}/mail/": 15, "/api/v1/meetings/{pk}/deliveries/": 5}[url],
    )


def test_mailing_many_invitees_costs_the_same_queries_as_a_few(
    meeting, secretariat, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The meeting and its agenda are read once per batch, not once per mail."""
    AgendaItem.objects.create(meeting=meeting, position=1, title="项目落地情况", presenter="高昌区")
    AgendaItem.objects.create(meeting=meeting, position=0, title="上年议定事项督办")

    def invite(n):
        for number in range(n):
            person = PersonFactory(email=f"p{number}@example.cn")
            InvitationFactory(meeting=meeting, organisation=None, person=person)
            organisation = OrganisationFactory()
            PersonFactory(organisation=organisation, is_liaison=True, email=f"o{number}@example.cn")
            InvitationFactory(meeting=meeting, organisation=organisation)

    def mail_everyone(queries):
        outbox.outbox.clear()
        ContentType.objects.clear_cache()  # the audit entry's type is looked up each time
        with (
            django_assert_num_queries(queries),
            django_capture_on_commit_callbacks(execute=True),
        ):
            sent = services.send_invitations(meeting, actor=secretariat)
        assert len(outbox.outbox) == sent
        return sent

    invite(3)
    assert mail_everyone(QUERIES_TO_MAIL_A_BATCH) == 6
    invite(30)
    assert mail_everyone(QUERIES_TO_MAIL_A_BATCH) == 60

    assert MailDelivery.objects.filter(status=Delivery.SENT).count() == 66
    message = mail_to("o29@example.cn")
    (ics,) = [c for c, mimetype in message.alternatives if mimetype.startswith("text/calendar")]
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert "1. 上年议定事项督办\n2. 项目落地情况（高昌区）" in description
    assert str(event["ATTENDEE"]) == "mailto:o29@example.cn"


# The invitations (twice), a savepoint, the liaison addresses, the deliveries recorded, the audit
# entry (its type, the row), the savepoint's release, the notices beside mail (the users whose
# inbox gets it, the channels that carry it); then the worker: the claim (a savepoint, the queued
# rows locked, marked sending, the release), the deliveries, the meeting, its agenda, the rows
# marked sent.
QUERIES_TO_MAIL_A_BATCH = 18
