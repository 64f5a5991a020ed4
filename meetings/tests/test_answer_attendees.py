"""The stored attendees are always the answer sent: a name given twice is refused on every
door, re-saving changes nothing, and the capacity holds."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from meetings import links, services
from meetings.models import Attendee, Invitation, Meeting, invitation_counts
from meetings.tests.factories import InvitationFactory, MeetingFactory
from meetings.tests.page_form import browser_post_data

pytestmark = pytest.mark.django_db

S = Invitation.Status
C = Invitation.Channel


@pytest.fixture
def meeting():
    start = datetime.now(UTC) + timedelta(days=30)
    return MeetingFactory(
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=start - timedelta(days=5),
        capacity=4,
        answer_fields=list(Meeting.AnswerField.values),
    )


@pytest.fixture
def invitation_a(meeting, enterprise_a):
    return InvitationFactory(meeting=meeting, organisation=enterprise_a)


@pytest.fixture
def invitation_b(meeting, enterprise_b):
    return InvitationFactory(meeting=meeting, organisation=enterprise_b)


def names(invitation) -> list[str]:
    return list(
        Attendee.objects.filter(invitation=invitation)
        .order_by("position")
        .values_list("name", flat=True)
    )


def repeated_message(name: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(
            "%(name)s is named more than once among the attendees: name each person once."
        ) % {"name": name}


def page_data(attendee_names, status="accepted", **extra):
    data = {
        "status": status,
        "note": "",
        "attendee-TOTAL_FORMS": str(len(attendee_names)),
        "attendee-INITIAL_FORMS": "0",
        "attendee-MIN_NUM_FORMS": "0",
        "attendee-MAX_NUM_FORMS": "50",
    }
    for index, name in enumerate(attendee_names):
        data[f"attendee-{index}-name"] = name
        data[f"attendee-{index}-dietary"] = "none"
    return {**data, **extra}


# --- The service -------------------------------------------------------------------------------


@pytest.mark.parametrize("again", ["Li Wei", " Li Wei ", "li  wei", "ＬＩ ＷＥＩ"])
def test_a_name_given_twice_is_refused_and_nothing_changes(invitation_a, member_a, again):
    services.record_rsvp(
        invitation_a,
        status=S.TENTATIVE,
        attendees=[{"name": "张三"}],
        actor=member_a,
        channel=C.PAGE,
    )

    with pytest.raises(ValidationError) as refused:
        services.record_rsvp(
            invitation_a,
            status=S.ACCEPTED,
            attendees=[{"name": "Li Wei"}, {"name": "王芳"}, {"name": again}],
            actor=member_a,
            channel=C.PAGE,
        )

    assert refused.value.message_dict["attendees"] == [repeated_message(again.strip())]
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.TENTATIVE
    assert names(invitation_a) == ["张三"]


def test_a_name_given_three_times_is_one_error(invitation_a, member_a):
    with pytest.raises(ValidationError) as refused:
        services.record_rsvp(
            invitation_a,
            status=S.ACCEPTED,
            attendees=[{"name": "张三"}] * 3,
            actor=member_a,
            channel=C.PAGE,
        )

    assert refused.value.message_dict == {"attendees": [repeated_message("张三")]}


def test_stored_repeats_are_removed_by_the_next_answer(invitation_a, member_a):
    """Rows a repeated name left behind before it was refused go with the next answer."""
    services.record_rsvp(
        invitation_a,
        status=S.ACCEPTED,
        attendees=[{"name": "张三"}],
        actor=member_a,
        channel="page",
    )
    Attendee.objects.create(invitation=invitation_a, name="张三", position=1)
    kept = Attendee.objects.filter(invitation=invitation_a).order_by("pk").first()

    services.record_rsvp(
        invitation_a,
        status=S.ACCEPTED,
        attendees=[{"name": "张三"}, {"name": "李四"}],
        actor=member_a,
        channel=C.PAGE,
    )

    assert names(invitation_a) == ["张三", "李四"]
    assert Attendee.objects.get(invitation=invitation_a, name="张三").pk == kept.pk


def test_more_attendees_than_seats_are_refused_and_block_nobody(
    invitation_a, invitation_b, member_a, member_b
):
    with pytest.raises(ValidationError) as refused:
        services.record_rsvp(
            invitation_a,
            status=S.ACCEPTED,
            attendees=[{"name": f"代表{n}"} for n in range(5)],
            actor=member_a,
            channel=C.PAGE,
        )

    assert "4" in refused.value.message_dict["attendees"][0]
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING and not names(invitation_a)
    second = services.record_rsvp(
        invitation_b,
        status=S.ACCEPTED,
        attendees=[{"name": "王五"}],
        actor=member_b,
        channel=C.PAGE,
    ).invitation
    assert second.status == S.ACCEPTED


def test_a_waiting_answer_that_can_never_fit_holds_nobody_back(meeting, invitation_a, secretariat):
    first = InvitationFactory(meeting=meeting)
    behind = InvitationFactory(meeting=meeting)

    def accept(invitation, attendee_names):
        return services.record_rsvp(
            invitation,
            status=S.ACCEPTED,
            attendees=[{"name": name} for name in attendee_names],
            actor=secretariat,
            channel=C.PHONE,
        ).invitation

    accept(first, ["甲", "乙"])
    assert accept(invitation_a, ["丙", "丁", "戊"]).status == S.WAITLISTED
    assert accept(behind, ["己"]).status == S.WAITLISTED
    meeting.refresh_from_db()
    meeting.capacity = 2  # now the three of enterprise A can never be seated
    services.save_meeting(meeting, actor=secretariat)

    services.record_rsvp(first, status=S.DECLINED, actor=secretariat, channel=C.PHONE)

    behind.refresh_from_db()
    invitation_a.refresh_from_db()
    assert behind.status == S.ACCEPTED
    assert invitation_a.status == S.WAITLISTED


# --- Every door ---------------------------------------------------------------------------------


def send_page(client_for, persona, invitation, attendee_names):
    response = client_for(persona).post(
        f"/meetings/invitations/{invitation.pk}/", page_data(attendee_names)
    )
    return response


def send_link(client_for, persona, invitation, attendee_names):
    return client_for(None).post(links.rsvp_url(invitation), page_data(attendee_names))


def send_api(api_for, persona, invitation, attendee_names):
    return api_for(persona).post(
        f"/api/v1/invitations/{invitation.pk}/answer/",
        {"status": "accepted", "attendees": [{"name": name} for name in attendee_names]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


DOORS = [
    ("page", "member_a", send_page),
    ("on behalf", "secretariat", send_page),
    ("link", None, send_link),
    ("api", "member_a", send_api),
    ("api on behalf", "secretariat", send_api),
]


@pytest.mark.parametrize(("door", "who", "send"), DOORS, ids=[door for door, *_ in DOORS])
def test_every_door_refuses_a_repeated_name_and_changes_nothing(
    client_for, api_for, persona, invitation_a, door, who, send
):
    services.record_rsvp(
        invitation_a,
        status=S.TENTATIVE,
        attendees=[{"name": "张三"}],
        actor=persona["member_a"],
        channel=C.PAGE,
    )
    client_factory = api_for if door.startswith("api") else client_for

    response = send(client_factory, persona.get(who), invitation_a, ["Li Wei", "王芳", "Li Wei"])

    if door.startswith("api"):
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert body["detail"] == repeated_message("Li Wei")
        assert body["errors"] == {"attendees": [repeated_message("Li Wei")]}
    else:
        assert response.status_code == 200
        rows = response.context["attendees"].forms
        assert rows[2].errors["name"] == [repeated_message("Li Wei")]
        assert not rows[0].errors and not response.context["form"].non_field_errors()
        assert repeated_message("Li Wei") in response.content.decode()
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.TENTATIVE
    assert names(invitation_a) == ["张三"]


def test_identical_api_answers_keep_the_attendees_and_the_capacity(
    api_for, member_a, member_b, invitation_a, invitation_b, meeting
):
    """The reported case: four identical answers, then another enterprise on capacity 4."""
    for _n in range(4):
        assert send_api(api_for, member_a, invitation_a, ["Li Wei", "Li Wei"]).status_code == 400
    assert not names(invitation_a)

    for _n in range(4):
        answered = send_api(api_for, member_a, invitation_a, ["Li Wei", "王芳"])
        assert answered.status_code == 200
    assert names(invitation_a) == ["Li Wei", "王芳"]

    second = send_api(api_for, member_b, invitation_b, ["赵六", "钱七"])

    assert second.json()["status"] == "accepted"
    counts = invitation_counts(meeting)
    assert (counts["headcount"], counts["accepted"], counts["waitlisted"]) == (4, 2, 0)


def test_saving_the_page_unchanged_changes_nothing(client_for, member_a, invitation_a, meeting):
    client = client_for(member_a)
    url = f"/meetings/invitations/{invitation_a.pk}/"
    assert client.post(url, page_data(["Li Wei", "王芳"])).status_code == 302
    codes = set(Attendee.objects.values_list("check_in_code", flat=True))

    for _n in range(3):
        data = browser_post_data(client.get(url).content.decode(), containing="status")
        assert client.post(url, data).status_code == 302

    assert names(invitation_a) == ["Li Wei", "王芳"]
    assert set(Attendee.objects.values_list("check_in_code", flat=True)) == codes
    assert invitation_counts(meeting)["headcount"] == 2


def test_saving_a_waiting_answer_unchanged_keeps_its_place(
    client_for, member_b, invitation_a, invitation_b, meeting, secretariat
):
    services.record_rsvp(
        invitation_a,
        status=S.ACCEPTED,
        attendees=[{"name": name} for name in "甲乙丙丁"],
        actor=secretariat,
        channel=C.PHONE,
    )
    client = client_for(member_b)
    url = f"/meetings/invitations/{invitation_b.pk}/"
    assert client.post(url, page_data(["赵强"])).status_code == 302
    invitation_b.refresh_from_db()
    assert (invitation_b.status, invitation_b.waitlist_position) == (S.WAITLISTED, 1)

    for _n in range(2):
        # The page offers the waiting answer as the acceptance it is, so the form as the
        # browser sends it back answers the same.
        data = browser_post_data(client.get(url).content.decode(), containing="status")
        assert data["status"] == "accepted"
        assert client.post(url, data).status_code == 302

    invitation_b.refresh_from_db()
    assert (invitation_b.status, invitation_b.waitlist_position) == (S.WAITLISTED, 1)
    assert names(invitation_b) == ["赵强"]


# --- Phone numbers ------------------------------------------------------------------------------


def phone_message() -> str:
    with translation.override("zh-hans"):
        return translation.gettext(
            "Enter a mobile number of 11 digits starting with 1, or a landline number with its "
            "area code, such as 13800000000 or 0995-1234567."
        )


@pytest.mark.parametrize(("door", "who"), [("page", "member_a"), ("on behalf", "secretariat")])
def test_the_page_refuses_a_phone_that_is_not_a_number(
    client_for, persona, invitation_a, door, who
):
    response = client_for(persona[who]).post(
        f"/meetings/invitations/{invitation_a.pk}/",
        page_data(["张三", "李四"], **{"attendee-1-phone": "abc"}),
    )

    assert response.status_code == 200
    rows = response.context["attendees"].forms
    assert rows[1].errors["phone"] == [phone_message()]
    assert not rows[0].errors
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING and not names(invitation_a)


@pytest.mark.parametrize("who", ["member_a", "secretariat"])
def test_the_api_refuses_a_phone_that_is_not_a_number(api_for, persona, invitation_a, who):
    response = api_for(persona[who]).post(
        f"/api/v1/invitations/{invitation_a.pk}/answer/",
        {"status": "accepted", "attendees": [{"name": "张三", "phone": "abc"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"attendees": [f"张三: {phone_message()}"]}
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING and not names(invitation_a)


def test_a_delegate_phone_that_is_not_a_number_is_shown_on_its_field(
    client_for, member_a, invitation_a
):
    response = client_for(member_a).post(
        f"/meetings/invitations/{invitation_a.pk}/",
        page_data([], delegate_name="王五", delegate_phone="abc"),
    )

    assert response.context["form"].errors == {"delegate_phone": [phone_message()]}
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING and invitation_a.delegate_name == ""


def test_phones_are_stored_normalised_through_every_door(
    client_for, api_for, member_a, secretariat, invitation_a, invitation_b
):
    client_for(member_a).post(
        f"/meetings/invitations/{invitation_a.pk}/",
        page_data(
            ["张三"],
            **{"attendee-0-phone": "+86 138-0000-0001"},
            delegate_name="张三",
            delegate_phone="(0731) 8888 8888",
        ),
    )
    api_for(secretariat).post(
        f"/api/v1/invitations/{invitation_b.pk}/answer/",
        {"status": "accepted", "attendees": [{"name": "李四", "phone": "0995 1234567"}]},
        format="json",
    )

    assert list(Attendee.objects.order_by("name").values_list("name", "phone")) == [
        ("张三", "13800000001"),
        ("李四", "0995-1234567"),
    ]
    invitation_a.refresh_from_db()
    assert invitation_a.delegate_phone == "0731-88888888"


# --- Adding an attendee -------------------------------------------------------------------------


def input_tag(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


@pytest.mark.parametrize(
    ("typed", "landing"),
    [(["张三", "李四"], 2), (["张三", ""], 1), ([], 0)],
    ids=["all rows filled", "a blank row left", "nothing typed"],
)
def test_adding_an_attendee_opens_the_page_on_the_row_to_fill(
    client_for, member_a, invitation_a, typed, landing
):
    client = client_for(member_a)
    url = f"/meetings/invitations/{invitation_a.pk}/"
    shown = client.get(url).content.decode()
    assert 'formaction="#attendee-continue"' in shown  # the add button returns to the anchor
    assert "autofocus" not in shown and 'id="attendee-continue"' not in shown

    page = client.post(url, {**page_data(typed or [""]), "add_attendee": "1"}).content.decode()

    rows = re.findall(r"<fieldset class=\"attendee\">\s*<legend( id=\"attendee-continue\")?>", page)
    assert [index for index, anchor in enumerate(rows) if anchor] == [landing]
    assert "autofocus" in input_tag(page, f"attendee-{landing}-name")
    assert page.count("autofocus") == 1


def test_adding_an_attendee_opens_the_page_on_a_row_to_correct(client_for, member_a, invitation_a):
    data = page_data(["张三", "李四"], **{"attendee-1-arrival_date": "not a date"})

    page = (
        client_for(member_a)
        .post(f"/meetings/invitations/{invitation_a.pk}/", {**data, "add_attendee": "1"})
        .content.decode()
    )

    rows = re.findall(r"<fieldset class=\"attendee\">\s*<legend( id=\"attendee-continue\")?>", page)
    assert [index for index, anchor in enumerate(rows) if anchor] == [1]
    assert "autofocus" in input_tag(page, "attendee-1-name")
