"""The invitation pages, the signed links and the API: each channel, and what a member of
another enterprise can neither see nor answer."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.utils import translation

from liaison import audit
from liaison.tests.factories import PersonFactory
from meetings import links, services
from meetings.models import Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

S = Invitation.Status


@pytest.fixture
def meeting():
    # Answers stay open: the deadline and the meeting lie in the future.
    start = datetime.now(UTC) + timedelta(days=30)
    return MeetingFactory(
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=start - timedelta(days=5),
        answer_fields=list(Meeting.AnswerField.values),
    )


@pytest.fixture
def invitation_a(meeting, enterprise_a):
    return InvitationFactory(meeting=meeting, organisation=enterprise_a)


@pytest.fixture
def invitation_b(meeting, enterprise_b):
    return InvitationFactory(meeting=meeting, organisation=enterprise_b)


def form_data(status="accepted", names=("张三",), **extra):
    data = {
        "status": status,
        "note": "",
        "attendee-TOTAL_FORMS": str(max(len(names), 1)),
        "attendee-INITIAL_FORMS": "0",
        "attendee-MIN_NUM_FORMS": "0",
        "attendee-MAX_NUM_FORMS": "50",
    }
    for index, name in enumerate(names):
        data[f"attendee-{index}-name"] = name
        data[f"attendee-{index}-dietary"] = "none"
    data.update(extra)
    return data


def zh(text) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(str(text))


# --- Pages -----------------------------------------------------------------------------------


def test_my_invitations_lists_own_organisation_and_own_person(
    client_for, member_a, invitation_a, invitation_b, meeting
):
    person = PersonFactory(organisation=invitation_b.organisation, user=member_a)
    addressed = InvitationFactory(meeting=meeting, organisation=None, person=person)

    page = client_for(member_a).get("/meetings/invitations/")

    assert {i.pk for i in page.context["page"]} == {invitation_a.pk, addressed.pk}
    assert f"/meetings/invitations/{invitation_b.pk}/" not in page.content.decode()


def test_member_answers_on_the_page(client_for, member_a, invitation_a):
    client = client_for(member_a)

    response = client.post(
        f"/meetings/invitations/{invitation_a.pk}/",
        form_data(names=["张三", "李四"], **{"attendee-0-arrival_transport": "CZ6886"}),
    )

    assert response.status_code == 302
    invitation_a.refresh_from_db()
    assert (invitation_a.status, invitation_a.answered_via) == (S.ACCEPTED, "page")
    assert [a.name for a in invitation_a.attendees.all()] == ["张三", "李四"]
    assert invitation_a.attendees.get(name="张三").arrival_transport == "CZ6886"
    page = client.get(f"/meetings/invitations/{invitation_a.pk}/").content.decode()
    assert "张三" in page and zh(S.ACCEPTED.label) in page


def test_add_an_attendee_keeps_what_was_typed_and_saves_nothing(client_for, member_a, invitation_a):
    client = client_for(member_a)
    data = form_data(status="", names=["张三", ""], note="晚到半小时")

    response = client.post(
        f"/meetings/invitations/{invitation_a.pk}/", {**data, "add_attendee": "1"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING and not invitation_a.attendees.exists()
    assert page.count('<fieldset class="attendee">') == 3  # 张三, the blank row, one more
    assert 'value="张三"' in page and "晚到半小时" in page
    assert 'class="field-error"' not in page  # no "answer required" before sending
    # The enlarged form then saves as usual.
    saved = client.post(
        f"/meetings/invitations/{invitation_a.pk}/",
        form_data(names=["张三", "李四", "王五"]),
    )
    assert saved.status_code == 302
    assert [a.name for a in invitation_a.attendees.all()] == ["张三", "李四", "王五"]


def test_clearing_a_name_removes_that_attendee(client_for, member_a, invitation_a):
    client = client_for(member_a)
    url = f"/meetings/invitations/{invitation_a.pk}/"
    client.post(url, form_data(names=["张三", "李四"]))

    # As the page sends it: the two stored attendees are the formset's initial rows.
    client.post(url, form_data(names=["张三", ""], **{"attendee-INITIAL_FORMS": "2"}))

    assert [a.name for a in invitation_a.attendees.all()] == ["张三"]


def test_member_b_can_neither_see_nor_answer_a_on_the_page(client_for, member_b, invitation_a):
    client = client_for(member_b)

    assert client.get(f"/meetings/invitations/{invitation_a.pk}/").status_code == 404
    assert client.post(f"/meetings/invitations/{invitation_a.pk}/", form_data()).status_code == 404
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


def test_page_shows_a_domain_error_on_the_form(client_for, member_a, invitation_a):
    response = client_for(member_a).post(
        f"/meetings/invitations/{invitation_a.pk}/", form_data(names=())
    )

    assert response.status_code == 200
    assert "Name at least one person" not in response.content.decode()  # translated
    assert response.context["form"].non_field_errors()
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


def test_secretariat_records_a_phone_answer_on_the_page(client_for, secretariat, invitation_a):
    client_for(secretariat).post(
        f"/meetings/invitations/{invitation_a.pk}/", form_data(status="declined", names=())
    )

    invitation_a.refresh_from_db()
    assert (invitation_a.status, invitation_a.answered_via) == (S.DECLINED, "phone")


def test_secretariat_view_counts_filters_and_refuses_members(
    client_for, secretariat, member_a, invitation_a, invitation_b
):
    services.record_rsvp(
        invitation_a,
        status=S.ACCEPTED,
        attendees=[{"name": "张三"}, {"name": "李四"}],
        actor=secretariat,
        channel="phone",
    )
    client = client_for(secretariat)
    url = f"/meetings/{invitation_a.meeting_id}/invitations/"

    page = client.get(url)
    accepted = client.get(url, {"status": "accepted"})

    assert page.context["counts"]["accepted"] == 1
    assert page.context["counts"]["pending"] == 1
    assert page.context["counts"]["headcount"] == 2
    assert [i.pk for i in accepted.context["page"]] == [invitation_a.pk]
    assert client_for(member_a).get(url).status_code == 403


def test_secretariat_invites_in_bulk_on_the_page(client_for, secretariat, meeting):
    client = client_for(secretariat)
    url = f"/meetings/{meeting.pk}/invite/"

    review = client.post(url, {"parties": "on"})
    assert not meeting.invitations.exists()  # the count comes first
    assert 'id="confirm-invite"' in review.content.decode()
    client.post(url, {"parties": "on", "confirm": "1"})
    client.post(url, {"parties": "on", "confirm": "1"})

    assert {i.organisation for i in meeting.invitations.all()} == {
        meeting.partnership.party_a,
        meeting.partnership.party_b,
    }


def test_members_get_the_nav_link(client_for, member_a, official):
    assert "/meetings/invitations/" in client_for(member_a).get("/").content.decode()
    assert "/meetings/invitations/" not in client_for(official).get("/").content.decode()


# --- Signed links ----------------------------------------------------------------------------


def test_link_opens_the_form_without_changing_anything(client, invitation_a):
    response = client.get(links.rsvp_url(invitation_a, "declined"))

    assert response.status_code == 200
    assert response.context["form"]["status"].value() == "declined"
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


def test_link_answer_without_signing_in(client, invitation_a):
    url = links.rsvp_url(invitation_a)
    response = client.post(
        url,
        form_data(
            names=(), delegate_name="王五", delegate_title="副总", delegate_phone="13800000009"
        ),
    )

    assert response.status_code == 302
    invitation_a.refresh_from_db()
    assert (invitation_a.status, invitation_a.answered_via) == (S.ACCEPTED, "link")
    assert invitation_a.delegate_name == "王五"
    assert audit.history(invitation_a).first().actor is None


def _token(payload) -> str:
    return signing.dumps(payload, salt=links.SALT)


@pytest.mark.parametrize(
    ("make_token", "status", "message"),
    [
        (lambda i: links.make_token(i)[:-3] + "abc", 400, "This link is not valid."),
        (lambda i: signing.dumps({"i": i.pk, "p": "rsvp", "v": 1}, key="forged"), 400, "not valid"),
        (lambda i: signing.dumps({"i": i.pk, "p": "rsvp", "v": 1}, salt="other"), 400, "not valid"),
        (lambda i: _token({"i": i.pk, "p": "calendar", "v": 1}), 400, "not meant for answering"),
        (lambda i: _token({"i": i.pk, "p": "rsvp", "v": 0}), 403, "replaced by a newer one"),
        (lambda i: _token({"i": 999999, "p": "rsvp", "v": 1}), 410, "withdrawn"),
    ],
)
def test_bad_links_give_a_clear_page_and_change_nothing(
    client, invitation_a, make_token, status, message
):
    url = f"/meetings/rsvp/{make_token(invitation_a)}/"

    for response in (client.get(url), client.post(url, form_data())):
        assert response.status_code == status
        with translation.override("zh-hans"):
            assert str(response.context["message"]) in response.content.decode()
        with translation.override("en"):
            assert message in str(response.context["message"])
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING
    assert not invitation_a.attendees.exists()


def test_revoked_link_stops_working(client, secretariat, invitation_a):
    url = links.rsvp_url(invitation_a)
    services.revoke_links(invitation_a, actor=secretariat)

    assert client.post(url, form_data()).status_code == 403
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING
    assert client.get(links.rsvp_url(invitation_a)).status_code == 200


def test_link_expires_when_the_meeting_ends(client, enterprise_a):
    past = MeetingFactory(
        start=datetime(2024, 6, 14, 1, tzinfo=UTC), end=datetime(2024, 6, 14, 4, tzinfo=UTC)
    )
    invitation = InvitationFactory(meeting=past, organisation=enterprise_a)

    response = client.post(links.rsvp_url(invitation), form_data())

    assert response.status_code == 410
    assert zh("This link has expired: the meeting is over.") in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == S.PENDING


def test_a_link_cannot_be_rebound_to_another_invitation(client, invitation_a, invitation_b):
    value, _sep, signature = links.make_token(invitation_b).rpartition(":")
    forged = signing.b64_encode(
        signing.JSONSerializer().dumps({"i": invitation_a.pk, "p": "rsvp", "v": 1})
    ).decode()
    other_parts = value.split(":")
    url = f"/meetings/rsvp/{forged}:{other_parts[-1]}:{signature}/"

    assert client.post(url, form_data()).status_code == 400
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


# --- API -------------------------------------------------------------------------------------


def test_api_member_sees_only_own_invitations(api_for, member_a, invitation_a, invitation_b):
    api = api_for(member_a)

    listed = api.get("/api/v1/invitations/").json()

    assert [row["id"] for row in listed["results"]] == [invitation_a.pk]
    assert api.get(f"/api/v1/invitations/{invitation_b.pk}/").status_code == 404


def test_api_answer(api_for, member_a, invitation_a):
    response = api_for(member_a).post(
        f"/api/v1/invitations/{invitation_a.pk}/answer/",
        {
            "status": "accepted",
            "attendees": [{"name": "张三", "dietary": "vegetarian", "needs_accommodation": True}],
            "delegate": {"name": "", "title": "", "phone": ""},
            "note": "两人同行",
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "accepted" and body["answered_via"] == "api"
    assert body["attendees"][0]["dietary"] == "vegetarian"
    invitation_a.refresh_from_db()
    assert invitation_a.note == "两人同行"


def test_api_member_b_cannot_answer_a(api_for, member_b, invitation_a):
    response = api_for(member_b).post(
        f"/api/v1/invitations/{invitation_a.pk}/answer/", {"status": "declined"}
    )

    assert response.status_code == 404
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


def test_api_official_reads_but_cannot_answer(api_for, official, invitation_a):
    api = api_for(official)

    assert api.get(f"/api/v1/invitations/{invitation_a.pk}/").status_code == 200
    response = api.post(f"/api/v1/invitations/{invitation_a.pk}/answer/", {"status": "declined"})
    assert response.status_code == 403


def test_api_domain_error_in_the_project_format(api_for, member_a, invitation_a):
    Meeting.objects.filter(pk=invitation_a.meeting_id).update(
        rsvp_deadline=datetime(2020, 1, 1, tzinfo=UTC)
    )

    response = api_for(member_a).post(
        f"/api/v1/invitations/{invitation_a.pk}/answer/", {"status": "declined"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "2020-01-01 08:00" in body["detail"]
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


def test_api_counts_and_invite(api_for, secretariat, member_a, meeting, enterprise_a):
    api = api_for(secretariat)

    created = api.post(
        f"/api/v1/meetings/{meeting.pk}/invite/",
        {"organisations": [enterprise_a.pk], "parties": True},
    )
    counts = api.get(f"/api/v1/meetings/{meeting.pk}/counts/").json()

    assert created.status_code == 201 and len(created.json()) == 3
    assert counts["total"] == 3 and counts["pending"] == 3 and counts["headcount"] == 0
    assert api_for(member_a).get(f"/api/v1/meetings/{meeting.pk}/counts/").status_code == 403
    assert (
        api_for(member_a)
        .post(f"/api/v1/meetings/{meeting.pk}/invite/", {"parties": True})
        .status_code
        == 403
    )
