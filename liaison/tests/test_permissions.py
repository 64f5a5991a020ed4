"""Who may see and change what, on the pages and through the API, for every persona."""

import re
from datetime import UTC, date, datetime

import pytest

from liaison import services
from liaison.models import (
    AuditEntry,
    Mechanism,
    Membership,
    Organisation,
    Partnership,
    Person,
    Region,
)
from liaison.tests.factories import (
    AssociationFactory,
    MechanismFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
)
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member_a", "member_b", "official", "secretariat"]
READERS = ["member_a", "member_b", "official"]


@pytest.fixture
def world(secretariat, enterprise_a, enterprise_b):
    """A partnership with its mechanism and association (A and B are members), a scheduled and
    a draft meeting, and enterprise A's people and contact details."""
    partnership = PartnershipFactory(
        name="湖南省工商联—吐鲁番市合作",
        party_a=OrganisationFactory(name="湖南省工商业联合会", kind="federation"),
        party_b=OrganisationFactory(name="吐鲁番市人民政府", kind="government"),
    )
    mechanism = MechanismFactory(partnership=partnership, name="湘吐联席会议")
    association = AssociationFactory(partnership=partnership, name="湘吐民营企业互助联谊会")
    enterprise_a.phone, enterprise_a.email = "0731-88880001", "office@jia.example.cn"
    services.save_object(enterprise_a, actor=secretariat, note="补充联系方式")
    liaison = PersonFactory(organisation=enterprise_a, name="甲联络员", is_liaison=True)
    staff = PersonFactory(organisation=enterprise_a, name="甲财务总监", phone="13900000001")
    MembershipFactory(association=association, organisation=enterprise_a, liaison=liaison)
    MembershipFactory(association=association, organisation=enterprise_b)
    scheduled = MeetingFactory(
        partnership=partnership,
        mechanism=mechanism,
        title="第二次联席会议",
        status=Meeting.Status.SCHEDULED,
        start=datetime(2099, 6, 15, 1, 0, tzinfo=UTC),
        end=datetime(2099, 6, 15, 4, 0, tzinfo=UTC),
    )
    draft = MeetingFactory(
        partnership=partnership,
        mechanism=mechanism,
        title="筹备中的招商推介会",
        status=Meeting.Status.DRAFT,
        start=datetime(2099, 7, 1, 1, 0, tzinfo=UTC),
        end=datetime(2099, 7, 1, 4, 0, tzinfo=UTC),
    )
    return {
        "partnership": partnership,
        "mechanism": mechanism,
        "association": association,
        "enterprise_a": enterprise_a,
        "enterprise_b": enterprise_b,
        "liaison": liaison,
        "staff": staff,
        "scheduled": scheduled,
        "draft": draft,
    }


# --- Pages -----------------------------------------------------------------------------------

PAGES = {
    # name: (url, text every reader sees on it)
    "home": (lambda w: "/", lambda w: w["partnership"].name),
    "directory": (lambda w: "/organisations/", lambda w: w["enterprise_a"].name),
    "organisation": (
        lambda w: f"/organisations/{w['enterprise_a'].pk}/",
        lambda w: w["enterprise_a"].name,
    ),
    "partnership": (
        lambda w: f"/partnerships/{w['partnership'].pk}/",
        lambda w: w["mechanism"].name,
    ),
    "association": (
        lambda w: f"/associations/{w['association'].pk}/",
        lambda w: w["enterprise_b"].name,
    ),
    "meetings": (lambda w: "/meetings/", lambda w: w["scheduled"].title),
    "meeting": (lambda w: f"/meetings/{w['scheduled'].pk}/", lambda w: w["scheduled"].title),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_anonymous_redirected_to_login(client, world, page):
    url = PAGES[page][0](world)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert PAGES[page][1](world) not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", ["member_a", "member_b", "official", "secretariat"])
def test_page_signed_in_roles_read(client_for, persona, world, page, name):
    url, text = PAGES[page]

    response = client_for(persona[name]).get(url(world))

    assert response.status_code == 200
    assert text(world) in response.content.decode()


@pytest.mark.parametrize("name", ["member_a", "official"])
def test_page_links_lead_to_pages_the_user_may_open(client_for, persona, world, name):
    client = client_for(persona[name])
    for page, (url, _text) in PAGES.items():
        content = client.get(url(world)).content.decode()
        links = set(re.findall(r'href="(/[^"]*)"', content)) - {"/api/v1/docs/"}
        links = {link for link in links if not link.startswith("/static/")}
        assert links, page
        for link in links:
            assert not link.startswith(("/api/", "/admin/")), (page, link)
            assert client.get(link).status_code == 200, (page, link)


@pytest.mark.parametrize("name", ["anonymous", "member_a", "member_b", "official"])
def test_admin_refused_to_all_but_secretariat(client_for, persona, name):
    response = client_for(persona[name]).get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_secretariat_admitted(client_for, secretariat):
    response = client_for(secretariat).get("/admin/")

    assert response.status_code == 200
    assert "/admin/liaison/organisation/" in response.content.decode()


# --- API: reading and writing ----------------------------------------------------------------

API = {
    # endpoint: (model, payload for a valid create)
    "organisations": (Organisation, lambda w: {"name": "新疆葡萄酒有限公司", "kind": "enterprise"}),
    "people": (
        Person,
        lambda w: {"name": "李秘书", "organisation": w["enterprise_b"].pk, "phone": "13800000009"},
    ),
    "partnerships": (
        Partnership,
        lambda w: {
            "name": "甲乙结对合作",
            "party_a": w["enterprise_a"].pk,
            "party_b": w["enterprise_b"].pk,
            "started_on": "2024-05-01",
        },
    ),
    "mechanisms": (
        Mechanism,
        lambda w: {
            "partnership": w["partnership"].pk,
            "kind": "event",
            "name": "湖南民营企业进边疆·吐鲁番行",
            "rrule": "FREQ=YEARLY;INTERVAL=2",
            "first_date": "2023-12-20",
        },
    ),
    "memberships": (
        Membership,
        lambda w: {
            "association": w["association"].pk,
            "organisation": w["partnership"].party_a.pk,
            "joined_on": "2024-03-01",
            "role": "president",
        },
    ),
    "meetings": (
        Meeting,
        lambda w: {
            "title": "第三次联席会议",
            "kind": "joint_meeting",
            "partnership": w["partnership"].pk,
            "mechanism": w["mechanism"].pk,
            "start": "2099-06-15T09:00:00+08:00",
            "end": "2099-06-15T12:00:00+08:00",
            "status": "scheduled",
        },
    ),
    "regions": (
        Region,
        lambda w: {"name": "新疆维吾尔自治区", "code": "650000", "level": "province"},
    ),
}


@pytest.mark.parametrize("endpoint", API)
@pytest.mark.parametrize("name", PERSONAS)
def test_api_list_read_by_signed_in_roles_only(api_for, persona, world, endpoint, name):
    model = API[endpoint][0]

    response = api_for(persona[name]).get(f"/api/v1/{endpoint}/")

    if name == "anonymous":
        assert response.status_code in (401, 403)
        assert set(response.json()) == {"detail", "code"}
        assert "results" not in response.json()
    else:
        assert response.status_code == 200
        ids = {row["id"] for row in response.json()["results"]}
        assert ids
        assert ids <= set(model.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("endpoint", API)
@pytest.mark.parametrize("name", ["anonymous", *READERS])
def test_api_create_refused_to_all_but_secretariat(api_for, persona, world, endpoint, name):
    model, payload = API[endpoint]
    before, entries = model.objects.count(), AuditEntry.objects.count()

    response = api_for(persona[name]).post(f"/api/v1/{endpoint}/", payload(world))

    if name == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 403
    assert response.json()["code"] in ("permission_denied", "not_authenticated")
    assert model.objects.count() == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("endpoint", API)
def test_api_create_by_secretariat_saved_and_audited(api_for, secretariat, world, endpoint):
    model, payload = API[endpoint]

    response = api_for(secretariat).post(f"/api/v1/{endpoint}/", payload(world))

    assert response.status_code == 201, response.json()
    created = model.objects.get(pk=response.json()["id"])
    entry = AuditEntry.objects.get(object_id=str(created.pk), object_repr=str(created)[:200])
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == secretariat


@pytest.mark.parametrize("name", READERS)
def test_api_update_and_delete_refused_to_readers(api_for, persona, world, name):
    api = api_for(persona[name])
    organisation = world["enterprise_a"]
    url = f"/api/v1/organisations/{organisation.pk}/"
    entries = AuditEntry.objects.count()

    assert api.patch(url, {"name": "改名企业"}).status_code == 403
    assert api.delete(url).status_code == 403

    organisation.refresh_from_db()
    assert organisation.name == "甲企业有限公司"
    assert AuditEntry.objects.count() == entries


def test_api_update_by_secretariat_saved_and_audited(api_for, secretariat, world):
    organisation = world["enterprise_b"]

    response = api_for(secretariat).patch(
        f"/api/v1/organisations/{organisation.pk}/", {"short_name": "乙企业"}
    )

    assert response.status_code == 200
    assert response.json()["short_name"] == "乙企业"
    organisation.refresh_from_db()
    assert organisation.short_name == "乙企业"
    entry = AuditEntry.objects.for_object(organisation).get()
    assert (entry.action, entry.actor) == (AuditEntry.Action.UPDATE, secretariat)
    assert [(c["field"], c["new"]) for c in entry.changes] == [("short_name", "乙企业")]


def test_api_delete_by_secretariat_removes_and_audits(api_for, secretariat, world):
    region = Region.objects.create(name="待删除地区", level="province")

    response = api_for(secretariat).delete(f"/api/v1/regions/{region.pk}/")

    assert response.status_code == 204
    assert not Region.objects.filter(pk=region.pk).exists()
    entry = AuditEntry.objects.get(object_id=str(region.pk), object_repr="待删除地区")
    assert (entry.action, entry.actor) == (AuditEntry.Action.DELETE, secretariat)


def test_api_delete_of_referenced_object_refused_with_400(api_for, secretariat, world):
    organisation = world["enterprise_a"]

    response = api_for(secretariat).delete(f"/api/v1/organisations/{organisation.pk}/")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).exists()


# --- Object level: people and contact details ------------------------------------------------


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def test_people_member_b_sees_only_liaison_of_other_organisation(api_for, member_b, world):
    response = api_for(member_b).get(f"/api/v1/people/?organisation={world['enterprise_a'].pk}")

    assert _names(response) == {"甲联络员"}


def test_people_member_a_sees_all_own_people(api_for, member_a, world):
    response = api_for(member_a).get(f"/api/v1/people/?organisation={world['enterprise_a'].pk}")

    assert _names(response) == {"甲联络员", "甲财务总监"}


@pytest.mark.parametrize("name", ["official", "secretariat"])
def test_people_officials_and_secretariat_see_everyone(api_for, persona, world, name):
    response = api_for(persona[name]).get("/api/v1/people/")

    assert _names(response) == set(Person.objects.values_list("name", flat=True))


def test_people_detail_of_other_organisations_staff_404_for_member(api_for, member_b, world):
    response = api_for(member_b).get(f"/api/v1/people/{world['staff'].pk}/")

    assert response.status_code == 404
    assert "甲财务总监" not in response.content.decode()


def test_organisation_page_member_b_sees_no_non_liaison_people(client_for, member_b, world):
    content = client_for(member_b).get(f"/organisations/{world['enterprise_a'].pk}/")
    content = content.content.decode()

    assert "甲联络员" in content
    assert "甲财务总监" not in content
    assert "13900000001" not in content


@pytest.mark.parametrize("name", ["member_a", "official"])
def test_organisation_page_own_member_and_official_see_all_people(client_for, persona, world, name):
    content = client_for(persona[name]).get(f"/organisations/{world['enterprise_a'].pk}/")
    content = content.content.decode()

    assert "甲联络员" in content and "甲财务总监" in content
    assert "13900000001" in content


def test_organisation_contacts_hidden_from_other_member(client_for, api_for, member_b, world):
    organisation = world["enterprise_a"]

    page = client_for(member_b).get(f"/organisations/{organisation.pk}/").content.decode()
    data = api_for(member_b).get(f"/api/v1/organisations/{organisation.pk}/").json()
    listed = api_for(member_b).get(f"/api/v1/organisations/?search={organisation.name}").json()

    assert "0731-88880001" not in page and "office@jia.example.cn" not in page
    assert (data["phone"], data["email"]) == ("", "")
    assert (listed["results"][0]["phone"], listed["results"][0]["email"]) == ("", "")
    assert data["name"] == organisation.name  # the rest of the directory entry is shown


@pytest.mark.parametrize("name", ["member_a", "official", "secretariat"])
def test_organisation_contacts_visible_to_own_member_and_officials(
    client_for, api_for, persona, world, name
):
    organisation = world["enterprise_a"]

    page = client_for(persona[name]).get(f"/organisations/{organisation.pk}/").content.decode()
    data = api_for(persona[name]).get(f"/api/v1/organisations/{organisation.pk}/").json()

    assert "0731-88880001" in page and "office@jia.example.cn" in page
    assert (data["phone"], data["email"]) == ("0731-88880001", "office@jia.example.cn")


# --- Object level: draft meetings ------------------------------------------------------------


@pytest.mark.parametrize("name", ["member_a", "member_b"])
def test_draft_meeting_invisible_to_members(client_for, api_for, persona, world, name):
    user, draft = persona[name], world["draft"]
    client, api = client_for(user), api_for(user)

    assert client.get(f"/meetings/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/meetings/{draft.pk}/").status_code == 404
    listed = {row["id"] for row in api.get("/api/v1/meetings/").json()["results"]}
    assert listed == {world["scheduled"].pk}
    for url in ("/meetings/", "/", f"/partnerships/{world['partnership'].pk}/"):
        assert draft.title not in client.get(url).content.decode(), url


@pytest.mark.parametrize("name", ["official", "secretariat"])
def test_draft_meeting_visible_to_officials(client_for, api_for, persona, world, name):
    user, draft = persona[name], world["draft"]
    client, api = client_for(user), api_for(user)

    assert draft.title in client.get(f"/meetings/{draft.pk}/").content.decode()
    assert api.get(f"/api/v1/meetings/{draft.pk}/").json()["status"] == "draft"
    listed = {row["id"] for row in api.get("/api/v1/meetings/").json()["results"]}
    assert listed == {world["scheduled"].pk, draft.pk}
    assert draft.title in client.get("/meetings/").content.decode()


def test_draft_meeting_not_counted_as_scheduled_for_members(api_for, member_a, world):
    # The occurrences action sees only what the user may see.
    draft_only = MechanismFactory(
        partnership=world["partnership"], name="筹备机制", first_date=date(2099, 1, 1)
    )
    MeetingFactory(
        partnership=world["partnership"],
        mechanism=draft_only,
        status=Meeting.Status.DRAFT,
        start=datetime(2099, 3, 1, 1, 0, tzinfo=UTC),
        end=datetime(2099, 3, 1, 2, 0, tzinfo=UTC),
    )

    response = api_for(member_a).get(
        f"/api/v1/mechanisms/{draft_only.pk}/occurrences/?start=2099-01-01&end=2099-12-31"
    )

    assert [(o["date"], o["meeting"]) for o in response.json()] == [("2099-01-01", None)]


# --- Object level: change history ------------------------------------------------------------


@pytest.mark.parametrize("name", ["official", "secretariat"])
def test_history_shown_on_organisation_page_to_officials(client_for, persona, world, name):
    response = client_for(persona[name]).get(f"/organisations/{world['enterprise_a'].pk}/")

    history = list(response.context["history"])
    assert [entry.note for entry in history] == ["补充联系方式"]
    content = response.content.decode()
    assert "补充联系方式" in content
    assert str(persona["secretariat"]) in content  # who changed it


@pytest.mark.parametrize("name", ["member_a", "member_b"])
def test_history_not_shown_on_organisation_page_to_members(client_for, persona, world, name):
    response = client_for(persona[name]).get(f"/organisations/{world['enterprise_a'].pk}/")

    assert response.context["history"] is None
    content = response.content.decode()
    assert "补充联系方式" not in content
    assert str(persona["secretariat"]) not in content


@pytest.mark.parametrize("name", ["member_a", "member_b"])
def test_history_api_refused_to_members(api_for, persona, world, name):
    response = api_for(persona[name]).get(
        f"/api/v1/organisations/{world['enterprise_a'].pk}/history/"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "补充联系方式" not in response.content.decode()


@pytest.mark.parametrize("name", ["official", "secretariat"])
def test_history_api_lists_changes_to_officials(api_for, persona, world, name):
    response = api_for(persona[name]).get(
        f"/api/v1/organisations/{world['enterprise_a'].pk}/history/"
    )

    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert (entry["note"], entry["actor"], entry["action"]) == (
        "补充联系方式",
        persona["secretariat"].pk,
        "update",
    )
    assert {c["field"] for c in entry["changes"]} == {"phone", "email"}
