"""Inviting in bulk: a searchable picker that works without JavaScript, one-click audiences,
a count before anything is created, one audience resolution for the page and the API, and a
mail log that offers to send only what is waiting."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core import mail as outbox

from liaison.models import Organisation, Person
from liaison.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegionFactory,
    SectorFactory,
)
from meetings import audience, services
from meetings.models import Invitation, MailDelivery, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    start = datetime.now(UTC) + timedelta(days=30)
    return MeetingFactory(start=start, end=start + timedelta(hours=2))


@pytest.fixture
def turpan():
    """高昌区 inside 吐鲁番市, with an enterprise in each and a person in the district's."""
    city = RegionFactory(name="吐鲁番市")
    district = RegionFactory(name="高昌区", parent=city)
    city_firm = OrganisationFactory(name="吐鲁番葡萄公司", region=city)
    district_firm = OrganisationFactory(name="高昌区农业公司", region=district)
    person = PersonFactory(name="艾力", organisation=district_firm)
    return {
        "city": city,
        "district": district,
        "firms": [city_firm, district_firm],
        "person": person,
    }


def invite_url(meeting) -> str:
    return f"/meetings/{meeting.pk}/invite/"


def ticked_names(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"', html)


# --- The picker --------------------------------------------------------------------------------


def test_picker_is_first_and_open_while_nobody_is_invited(client_for, secretariat, meeting, turpan):
    html = client_for(secretariat).get(f"/meetings/{meeting.pk}/invitations/").content.decode()
    picker = html.index('id="invite"')
    assert picker < html.index("<table")
    assert "<details" not in html[html.rfind("<", 0, picker) : picker + 20]
    assert '<input type="search" id="invitee-search" name="q"' in html
    assert set(ticked_names(html, "organisations")) >= {str(f.pk) for f in turpan["firms"]}
    assert str(turpan["person"].pk) in ticked_names(html, "people")
    assert "js/invitee-search.js" in html
    assert "<select multiple" not in html and " multiple" not in html  # no Ctrl-click lists


def test_picker_is_folded_after_the_list_once_invitations_exist(
    client_for, secretariat, meeting, turpan
):
    InvitationFactory(meeting=meeting, organisation=turpan["firms"][0])
    html = client_for(secretariat).get(f"/meetings/{meeting.pk}/invitations/").content.decode()
    assert html.index('<details class="card action" id="invite">') > html.index("<table")
    assert "已邀请" in html  # the invited firm is marked in the picker


def test_the_search_script_is_a_static_file():
    path = finders.find("js/invitee-search.js")
    assert path is not None
    with open(path, encoding="utf-8") as script:
        source = script.read()
    assert "invitee-search" in source and "http" not in source


def test_search_narrows_the_list_without_javascript(client_for, secretariat, meeting, turpan):
    client = client_for(secretariat)
    by_firm = client.get(invite_url(meeting), {"q": "葡萄"}).content.decode()
    assert ticked_names(by_firm, "organisations") == [str(turpan["firms"][0].pk)]
    by_person = client.get(invite_url(meeting), {"q": "艾力"}).content.decode()
    assert ticked_names(by_person, "organisations") == [str(turpan["firms"][1].pk)]
    assert ticked_names(by_person, "people") == [str(turpan["person"].pk)]
    assert 'value="艾力"' in by_person


# --- One-click audiences and the count before confirming ----------------------------------------


def test_a_region_is_counted_before_anything_is_created(client_for, secretariat, meeting, turpan):
    InvitationFactory(meeting=meeting, organisation=turpan["firms"][0])
    client = client_for(secretariat)
    review = client.post(invite_url(meeting), {"region": turpan["city"].pk})
    html = review.content.decode()
    assert "将邀请 2 个单位、0 人；其中 1 个已邀请，将跳过" in html
    assert '<button type="submit" name="confirm" value="1" id="confirm-invite"' in html
    assert meeting.invitations.count() == 1

    client.post(invite_url(meeting), {"region": turpan["city"].pk, "confirm": "1"})
    assert {i.organisation for i in meeting.invitations.all()} == set(turpan["firms"])


def test_the_association_in_one_click_with_a_ticked_person(
    client_for, secretariat, meeting, turpan
):
    members = [
        MembershipFactory(association__partnership=meeting.partnership).organisation
        for _n in range(3)
    ]
    client = client_for(secretariat)
    chosen = {"association_members": "on", "people": [turpan["person"].pk]}
    html = client.post(invite_url(meeting), chosen).content.decode()
    assert "将邀请 3 个单位、1 人。" in html
    assert not meeting.invitations.exists()
    client.post(invite_url(meeting), {**chosen, "confirm": "1"})
    assert {i.organisation for i in meeting.invitations.filter(person=None)} == set(members)
    assert meeting.invitations.get(person__isnull=False).person == turpan["person"]


def test_nothing_to_confirm_when_everyone_is_invited(client_for, secretariat, meeting, turpan):
    InvitationFactory(meeting=meeting, organisation=turpan["firms"][0])
    html = (
        client_for(secretariat)
        .post(invite_url(meeting), {"organisations": [turpan["firms"][0].pk]})
        .content.decode()
    )
    assert "confirm-invite" not in html
    assert "均已邀请" in html


def test_choosing_nobody_is_a_clear_error(client_for, secretariat, meeting):
    response = client_for(secretariat).post(invite_url(meeting), {})
    assert "请选择邀请对象" in response.content.decode()
    assert not meeting.invitations.exists()


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_only_the_secretariat_invites(client_for, persona, meeting, turpan, name):
    client = client_for(persona[name])
    assert client.get(invite_url(meeting)).status_code == 403
    chosen = {"region": turpan["city"].pk, "confirm": "1"}
    assert client.post(invite_url(meeting), chosen).status_code == 403
    assert not meeting.invitations.exists()


# --- One audience for every door -------------------------------------------------------------


def _invite_on_page(client_for, secretariat, api_for, meeting, chosen):
    client_for(secretariat).post(invite_url(meeting), {**chosen, "confirm": "1"})


def _invite_through_api(client_for, secretariat, api_for, meeting, chosen):
    response = api_for(secretariat).post(
        f"/api/v1/meetings/{meeting.pk}/invite/", chosen, format="json"
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("door", [_invite_on_page, _invite_through_api])
@pytest.mark.parametrize("kind", ["region", "sector"])
def test_region_and_sector_reach_the_same_organisations_on_every_door(
    client_for, api_for, secretariat, meeting, turpan, door, kind
):
    sector = SectorFactory()
    in_sector = [OrganisationFactory(sector=sector) for _n in range(2)]
    chosen = {"region": turpan["city"].pk} if kind == "region" else {"sector": sector.pk}
    expected = set(turpan["firms"]) if kind == "region" else set(in_sector)

    door(client_for, secretariat, api_for, meeting, chosen)

    assert {i.organisation for i in meeting.invitations.all()} == expected


def test_resolve_takes_each_organisation_once(meeting, turpan):
    firm = turpan["firms"][1]
    chosen = audience.resolve(
        meeting.partnership, region=turpan["district"], organisations=[firm, firm]
    )
    assert chosen.organisations == (firm,)


# --- After inviting: the mail log ------------------------------------------------------------


def test_mail_log_offers_to_send_only_what_is_waiting(
    client_for, secretariat, meeting, turpan, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    meeting = MeetingFactory(status=Meeting.Status.DRAFT, start=meeting.start, end=meeting.end)
    client.post(invite_url(meeting), {"region": turpan["city"].pk, "confirm": "1"})
    waiting = client.get(f"/meetings/{meeting.pk}/mail/").content.decode()
    assert "发送尚未发出的会议通知 (2)" in waiting

    services.change_meeting_status(meeting, to=Meeting.Status.SCHEDULED, actor=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/meetings/{meeting.pk}/mail/send-invitations/")
    assert MailDelivery.objects.filter(kind=MailDelivery.Kind.INVITATION).count() == 2
    sent = client.get(f"/meetings/{meeting.pk}/mail/").content.decode()
    assert "发送尚未发出的会议通知" not in sent
    assert "全部会议通知均已发出" in sent


def test_inviting_a_scheduled_meeting_mails_at_once_and_nothing_waits(
    client_for, secretariat, meeting, turpan, django_capture_on_commit_callbacks
):
    meeting.status = Meeting.Status.SCHEDULED
    services.save_meeting(meeting, actor=secretariat)
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(meeting), {"region": turpan["city"].pk, "confirm": "1"})
    assert response.url == f"/meetings/{meeting.pk}/mail/"
    html = client.get(response.url).content.decode()
    assert "发送尚未发出的会议通知" not in html
    assert "全部会议通知均已发出" in html
    assert not meeting.invitations.not_mailed().exists()


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "expected"), [("invite/", 10), ("invitations/", 12)])
def test_invite_pages_query_count_is_constant(
    client_for, secretariat, meeting, page, expected, pinned_queries
):
    def add():
        organisation = OrganisationFactory()
        PersonFactory(organisation=organisation)
        MembershipFactory(association__partnership=meeting.partnership)

    pinned_queries(
        client_for(secretariat),
        f"/meetings/{meeting.pk}/{page}",
        add,
        queries=expected,
        small=5,
        large=50,
    )
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("kind", ["region", "sector", "organisations", "people"])
def test_every_door_invites_and_mails_the_same_audience(
    client_for, api_for, secretariat, turpan, kind, django_capture_on_commit_callbacks
):
    sector = SectorFactory()
    OrganisationFactory(sector=sector, email="sector@example.cn")
    for firm in turpan["firms"]:
        Organisation.objects.filter(pk=firm.pk).update(email=f"firm{firm.pk}@example.cn")
    Person.objects.filter(pk=turpan["person"].pk).update(email="aili@example.cn")
    chosen = {
        "region": {"region": turpan["city"].pk},
        "sector": {"sector": sector.pk},
        "organisations": {"organisations": [f.pk for f in turpan["firms"]]},
        "people": {"people": [turpan["person"].pk]},
    }[kind]
    seen = {}
    for door in (_invite_on_page, _invite_through_api):
        start = datetime.now(UTC) + timedelta(days=30)
        meeting = MeetingFactory(start=start, end=start + timedelta(hours=2))
        outbox.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            door(client_for, secretariat, api_for, meeting, chosen)
        invited = sorted((i.organisation_id, i.person_id) for i in meeting.invitations.all())
        mails = sorted((m.to[0], m.subject.split("：")[0]) for m in outbox.outbox)
        seen[door.__name__] = (invited, mails)

    page, api = seen.values()
    assert page == api
    assert page[0]  # somebody was invited
    assert len(page[1]) == len(page[0])  # each new invitation mailed once
