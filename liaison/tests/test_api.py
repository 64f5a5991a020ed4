"""The API conventions: one error format, translated messages, schema and docs, filters,
pagination, the occurrences action, and credit codes that may be left blank."""

import re
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from liaison.models import (
    Association,
    AuditEntry,
    Mechanism,
    Membership,
    Organisation,
    Partnership,
    Person,
    Region,
    Sector,
)
from liaison.tests.factories import (
    AssociationFactory,
    MechanismFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    RegionFactory,
    SectorFactory,
)
from liaison.validators import validate_credit_code, validate_phone
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def api(api_for, secretariat):
    return api_for(secretariat)


@pytest.fixture
def world(enterprise_a, enterprise_b):
    partnership = PartnershipFactory(name="湘吐合作")
    other_partnership = PartnershipFactory(name="湘喀合作")
    association = AssociationFactory(partnership=partnership, name="湘吐民营企业互助联谊会")
    enterprise_a.credit_code = VALID_CODE
    enterprise_a.phone = "0731-88880001"
    enterprise_a.save()
    return {
        "partnership": partnership,
        "mechanism": MechanismFactory(partnership=partnership, name="湘吐联席会议"),
        "other_mechanism": MechanismFactory(partnership=other_partnership, name="湘喀联席会议"),
        "association": association,
        "president": MembershipFactory(
            association=association, organisation=enterprise_a, role="president"
        ),
        "liaison_b": PersonFactory(organisation=enterprise_b, name="乙联络员", is_liaison=True),
        "liaison_a": PersonFactory(organisation=enterprise_a, name="甲联络员", is_liaison=True),
        "held": MeetingFactory(partnership=partnership, status=Meeting.Status.HELD),
        "region": RegionFactory(name="湖南省", code="430000"),
        "sector": SectorFactory(name="现代农业"),
        "enterprise_a": enterprise_a,
        "enterprise_b": enterprise_b,
    }


def snapshot():
    """Every row the write endpoints could touch, to check that nothing changed."""
    models = [Organisation, Person, Partnership, Mechanism, Association, Membership, Meeting]
    return {
        model.__name__: sorted(model.objects.values_list(), key=str)
        for model in [*models, Region, Sector, AuditEntry]
    }


# (method, url, payload, field named in "errors"), each built from the world.
BAD_INPUT = {
    "organisation invalid credit code": (
        "post",
        lambda w: "/api/v1/organisations/",
        lambda w: {"name": "新企业", "kind": "enterprise", "credit_code": "91350100M000100Y44"},
        "credit_code",
    ),
    "organisation credit code with letter O": (
        "post",
        lambda w: "/api/v1/organisations/",
        lambda w: {"name": "新企业", "kind": "enterprise", "credit_code": "91350100MO00100Y43"},
        "credit_code",
    ),
    "organisation duplicate credit code": (
        "post",
        lambda w: "/api/v1/organisations/",
        lambda w: {"name": "新企业", "kind": "enterprise", "credit_code": VALID_CODE.lower()},
        "credit_code",
    ),
    "organisation duplicate name": (
        "post",
        lambda w: "/api/v1/organisations/",
        lambda w: {"name": w["enterprise_a"].name, "kind": "enterprise"},
        "name",
    ),
    "organisation empty name": (
        "post",
        lambda w: "/api/v1/organisations/",
        lambda w: {"name": "", "kind": "enterprise"},
        "name",
    ),
    "organisation unknown kind": (
        "post",
        lambda w: "/api/v1/organisations/",
        lambda w: {"name": "新企业", "kind": "bank"},
        "kind",
    ),
    "organisation phone abc": (
        "patch",
        lambda w: f"/api/v1/organisations/{w['enterprise_a'].pk}/",
        lambda w: {"phone": "abc"},
        "phone",
    ),
    "organisation credit code changed to invalid": (
        "patch",
        lambda w: f"/api/v1/organisations/{w['enterprise_a'].pk}/",
        lambda w: {"credit_code": "91350100M000100Y4"},
        "credit_code",
    ),
    "person phone abc": (
        "post",
        lambda w: "/api/v1/people/",
        lambda w: {"name": "张三", "organisation": w["enterprise_a"].pk, "phone": "abc"},
        "phone",
    ),
    "person unknown organisation": (
        "post",
        lambda w: "/api/v1/people/",
        lambda w: {"name": "张三", "organisation": 999999},
        "organisation",
    ),
    "person second liaison of organisation": (
        "post",
        lambda w: "/api/v1/people/",
        lambda w: {"name": "张三", "organisation": w["enterprise_a"].pk, "is_liaison": True},
        "non_field_errors",
    ),
    "partnership with one party twice": (
        "post",
        lambda w: "/api/v1/partnerships/",
        lambda w: {
            "name": "自己与自己",
            "party_a": w["enterprise_a"].pk,
            "party_b": w["enterprise_a"].pk,
            "started_on": "2024-01-01",
        },
        "non_field_errors",
    ),
    "partnership changed to one party twice": (
        "patch",
        lambda w: f"/api/v1/partnerships/{w['partnership'].pk}/",
        lambda w: {"party_b": w["partnership"].party_a_id},
        "non_field_errors",
    ),
    "partnership bad date": (
        "post",
        lambda w: "/api/v1/partnerships/",
        lambda w: {
            "name": "甲乙合作",
            "party_a": w["enterprise_a"].pk,
            "party_b": w["enterprise_b"].pk,
            "started_on": "2024-13-01",
        },
        "started_on",
    ),
    "mechanism hourly cadence": (
        "post",
        lambda w: "/api/v1/mechanisms/",
        lambda w: {
            "partnership": w["partnership"].pk,
            "kind": "event",
            "name": "每小时",
            "rrule": "FREQ=HOURLY",
            "first_date": "2024-01-01",
        },
        "rrule",
    ),
    "mechanism cadence changed to garbage": (
        "patch",
        lambda w: f"/api/v1/mechanisms/{w['mechanism'].pk}/",
        lambda w: {"rrule": "garbage"},
        "rrule",
    ),
    "mechanism duplicate name in partnership": (
        "post",
        lambda w: "/api/v1/mechanisms/",
        lambda w: {
            "partnership": w["partnership"].pk,
            "kind": "joint_meeting",
            "name": "湘吐联席会议",
            "rrule": "FREQ=YEARLY",
            "first_date": "2024-01-01",
        },
        "non_field_errors",
    ),
    "association duplicate name": (
        "post",
        lambda w: "/api/v1/associations/",
        lambda w: {"partnership": w["partnership"].pk, "name": "湘吐民营企业互助联谊会"},
        "name",
    ),
    "association without partnership": (
        "post",
        lambda w: "/api/v1/associations/",
        lambda w: {"name": "新联谊会"},
        "partnership",
    ),
    "membership liaison from another organisation": (
        "post",
        lambda w: "/api/v1/memberships/",
        lambda w: {
            "association": w["association"].pk,
            "organisation": w["enterprise_b"].pk,
            "joined_on": "2024-03-01",
            "liaison": w["liaison_a"].pk,
        },
        "liaison",
    ),
    "membership second active president unit": (
        "post",
        lambda w: "/api/v1/memberships/",
        lambda w: {
            "association": w["association"].pk,
            "organisation": w["enterprise_b"].pk,
            "joined_on": "2024-03-01",
            "role": "president",
        },
        "non_field_errors",
    ),
    "membership organisation twice": (
        "post",
        lambda w: "/api/v1/memberships/",
        lambda w: {
            "association": w["association"].pk,
            "organisation": w["enterprise_a"].pk,
            "joined_on": "2024-03-01",
        },
        "non_field_errors",
    ),
    "meeting ending before it starts": (
        "post",
        lambda w: "/api/v1/meetings/",
        lambda w: {
            "title": "倒着开的会",
            "kind": "joint_meeting",
            "partnership": w["partnership"].pk,
            "start": "2026-06-15T12:00:00+08:00",
            "end": "2026-06-15T09:00:00+08:00",
        },
        "end",
    ),
    "meeting mechanism of another partnership": (
        "post",
        lambda w: "/api/v1/meetings/",
        lambda w: {
            "title": "错配的会",
            "kind": "joint_meeting",
            "partnership": w["partnership"].pk,
            "mechanism": w["other_mechanism"].pk,
            "start": "2026-06-15T09:00:00+08:00",
            "end": "2026-06-15T12:00:00+08:00",
        },
        "mechanism",
    ),
    "meeting held back to scheduled": (
        "patch",
        lambda w: f"/api/v1/meetings/{w['held'].pk}/",
        lambda w: {"status": "scheduled"},
        "status",
    ),
    "region unknown level": (
        "post",
        lambda w: "/api/v1/regions/",
        lambda w: {"name": "某地", "level": "village"},
        "level",
    ),
    "region inside itself": (
        "patch",
        lambda w: f"/api/v1/regions/{w['region'].pk}/",
        lambda w: {"parent": w["region"].pk},
        "parent",
    ),
    "region duplicate division code": (
        "post",
        lambda w: "/api/v1/regions/",
        lambda w: {"name": "另一个湖南", "level": "province", "code": "430000"},
        "code",
    ),
    "sector duplicate name": (
        "post",
        lambda w: "/api/v1/sectors/",
        lambda w: {"name": "现代农业"},
        "name",
    ),
    "sector empty name": ("post", lambda w: "/api/v1/sectors/", lambda w: {"name": ""}, "name"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_api_bad_input_400_naming_field_and_nothing_changed(api, world, case):
    method, url, payload, field = BAD_INPUT[case]
    before = snapshot()

    response = getattr(api, method)(url(world), payload(world))

    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    assert body["errors"][field] and all(isinstance(m, str) and m for m in body["errors"][field])
    assert body["detail"] in [m for messages in body["errors"].values() for m in messages]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("code", "payload"),
    [
        ("credit_code_check", {"credit_code": "91350100M000100Y44"}),
        ("credit_code_length", {"credit_code": "9135"}),
        ("phone", {"phone": "abc"}),
    ],
)
def test_api_own_validator_message_is_the_validators(api, world, code, payload):
    validator = validate_phone if code == "phone" else validate_credit_code
    with pytest.raises(ValidationError) as caught:
        validator(next(iter(payload.values())))

    response = api.patch(
        f"/api/v1/organisations/{world['enterprise_a'].pk}/",
        payload,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert caught.value.code == code
    with translation.override("zh-hans"):
        assert response.json()["errors"][next(iter(payload))] == caught.value.messages


def test_api_required_field_error_in_chinese(api, world):
    response = api.post("/api/v1/organisations/", {}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    body = response.json()
    assert response.status_code == 400
    assert body["detail"] == "该字段是必填项。"
    assert body["errors"] == {"name": ["该字段是必填项。"], "kind": ["该字段是必填项。"]}


def test_api_required_field_error_in_english(api, world):
    response = api.post("/api/v1/organisations/", {}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == "This field is required."


def test_api_builtin_errors_in_chinese_by_default(api, world):
    response = api.post("/api/v1/regions/", {"name": "某地", "level": "village"})

    assert CHINESE.search(response.json()["detail"])
    assert CHINESE.search(response.json()["errors"]["level"][0])


@pytest.mark.parametrize(
    ("url", "code"),
    [("/api/v1/organisations/999999/", "not_found"), ("/api/v1/meetings/999999/", "not_found")],
)
def test_api_not_found_in_error_format_and_chinese(api, world, url, code):
    response = api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 404
    assert response.json()["code"] == code
    assert CHINESE.search(response.json()["detail"])


def test_api_unauthenticated_error_in_chinese(api_for, world):
    response = api_for(None).get("/api/v1/organisations/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code in (401, 403)
    assert CHINESE.search(response.json()["detail"])


def test_api_root_lists_endpoints(api_for, member_a):
    response = api_for(member_a).get("/api/v1/")

    assert response.status_code == 200
    assert response.json()["meetings"].endswith("/api/v1/meetings/")
    assert response.json()["organisations"].endswith("/api/v1/organisations/")


# --- Credit codes ----------------------------------------------------------------------------


def test_api_credit_code_blank_for_two_organisations_stored_null(api, world):
    first = api.post("/api/v1/organisations/", {"name": "甲", "kind": "other", "credit_code": ""})
    second = api.post("/api/v1/organisations/", {"name": "乙", "kind": "other", "credit_code": ""})
    third = api.post("/api/v1/organisations/", {"name": "丙", "kind": "other"})

    assert [r.status_code for r in (first, second, third)] == [201, 201, 201]
    assert Organisation.objects.filter(name__in=["甲", "乙", "丙"], credit_code=None).count() == 3
    assert first.json()["credit_code"] is None


def test_api_credit_code_lowercase_stored_uppercase(api, world):
    response = api.post(
        "/api/v1/organisations/",
        {"name": "北京测试", "kind": "enterprise", "credit_code": " 91110000802100433b "},
    )

    assert response.status_code == 201
    assert Organisation.objects.get(name="北京测试").credit_code == "91110000802100433B"


def test_api_credit_code_cleared_to_blank_stored_null(api, world):
    organisation = world["enterprise_a"]

    response = api.patch(f"/api/v1/organisations/{organisation.pk}/", {"credit_code": ""})

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.credit_code is None


def test_organisation_blank_credit_code_twice_passes_full_clean(db):
    first = Organisation.objects.create(name="甲", kind="other", credit_code=None)
    second = Organisation(name="乙", kind="other", credit_code="  ")

    second.full_clean()

    assert first.credit_code is None and second.credit_code is None


# --- Schema and docs -------------------------------------------------------------------------


def test_api_schema_renders_for_signed_in_user(api_for, member_a):
    response = api_for(member_a).get("/api/v1/schema/")

    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith("openapi: 3.")
    assert "/api/v1/organisations/" in content
    assert "/api/v1/mechanisms/{id}/occurrences/" in content


def test_api_schema_and_docs_refused_to_anonymous(api_for, db):
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        response = api_for(None).get(url)
        assert response.status_code in (401, 403), url
        assert "openapi" not in response.content.decode()


def test_api_docs_load_nothing_from_outside(client_for, official):
    client = client_for(official)

    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    content = response.content.decode()
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", content)
    assets = re.findall(r'(?:src|href)="([^"]+)"', content)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset


# --- Filters and pagination ------------------------------------------------------------------


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture
def directory():
    xinjiang = RegionFactory(name="新疆维吾尔自治区", level="province")
    turpan = RegionFactory(name="吐鲁番市", level="prefecture", parent=xinjiang)
    gaochang = RegionFactory(name="高昌区", level="county", parent=turpan)
    hunan = RegionFactory(name="湖南省", level="province")
    return {
        "regions": (xinjiang, turpan, gaochang, hunan),
        "park": OrganisationFactory(name="吐鲁番高新区", kind="park", region=turpan),
        "grapes": OrganisationFactory(
            name="高昌葡萄有限公司", short_name="高昌葡萄", kind="enterprise", region=gaochang
        ),
        "wine": OrganisationFactory(name="新疆葡萄酒集团", kind="enterprise", region=xinjiang),
        "hunan": OrganisationFactory(
            name="湖南湘茶集团", name_en="Hunan Tea", kind="enterprise", region=hunan
        ),
    }


def test_api_filter_organisations_by_kind(api, directory):
    response = api.get("/api/v1/organisations/?kind=park")

    assert _names(response) == {"吐鲁番高新区"}


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (0, {"吐鲁番高新区", "高昌葡萄有限公司", "新疆葡萄酒集团"}),
        (1, {"吐鲁番高新区", "高昌葡萄有限公司"}),
        (2, {"高昌葡萄有限公司"}),
        (3, {"湖南湘茶集团"}),
    ],
)
def test_api_filter_organisations_by_region_includes_sub_regions(api, directory, region, expected):
    response = api.get(f"/api/v1/organisations/?region={directory['regions'][region].pk}")

    assert _names(response) == expected


def test_api_filter_organisations_by_unknown_region_400(api, directory):
    response = api.get("/api/v1/organisations/?region=999999")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["region"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("葡萄", {"高昌葡萄有限公司", "新疆葡萄酒集团"}),
        ("hunan tea", {"湖南湘茶集团"}),
        ("吐鲁番", {"吐鲁番高新区"}),
    ],
)
def test_api_search_organisations(api, directory, text, expected):
    response = api.get("/api/v1/organisations/", {"search": text})

    assert _names(response) == expected


def test_api_filters_combine(api, directory):
    response = api.get(
        "/api/v1/organisations/",
        {"kind": "enterprise", "region": directory["regions"][0].pk, "search": "葡萄"},
    )

    assert _names(response) == {"高昌葡萄有限公司", "新疆葡萄酒集团"}


def test_api_meetings_filter_by_status_and_year(api, world):
    MeetingFactory(
        partnership=world["partnership"],
        title="2025年会议",
        status=Meeting.Status.SCHEDULED,
        start=datetime(2025, 6, 15, 1, 0, tzinfo=UTC),
        end=datetime(2025, 6, 15, 3, 0, tzinfo=UTC),
    )

    held = api.get("/api/v1/meetings/?status=held").json()["results"]
    in_2025 = api.get("/api/v1/meetings/?year=2025").json()["results"]

    assert [m["id"] for m in held] == [world["held"].pk]
    assert [m["title"] for m in in_2025] == ["2025年会议"]


def test_api_pagination_count_next_results(api, db):
    for number in range(5):
        SectorFactory(name=f"产业{number}", position=number)

    first = api.get("/api/v1/sectors/?page_size=2").json()
    last = api.get("/api/v1/sectors/?page_size=2&page=3").json()

    assert first["count"] == 5
    assert [row["name"] for row in first["results"]] == ["产业0", "产业1"]
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/sectors/?page=2&page_size=2")
    assert [row["name"] for row in last["results"]] == ["产业4"]
    assert last["next"] is None


def test_api_pagination_page_out_of_range_404(api, db):
    response = api.get("/api/v1/sectors/?page=9")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Mechanism occurrences -------------------------------------------------------------------


def test_api_mechanism_occurrences_states(api, world):
    mechanism = MechanismFactory(
        partnership=world["partnership"],
        name="年度联席会议",
        rrule="FREQ=YEARLY",
        first_date=date(2020, 6, 15),
    )
    held = MeetingFactory(
        partnership=world["partnership"],
        mechanism=mechanism,
        status=Meeting.Status.HELD,
        start=datetime(2020, 6, 15, 1, 0, tzinfo=UTC),
        end=datetime(2020, 6, 15, 4, 0, tzinfo=UTC),
    )
    planned = MeetingFactory(
        partnership=world["partnership"],
        mechanism=mechanism,
        status=Meeting.Status.SCHEDULED,
        start=datetime(2098, 6, 15, 1, 0, tzinfo=UTC),
        end=datetime(2098, 6, 15, 4, 0, tzinfo=UTC),
    )

    early = api.get(
        f"/api/v1/mechanisms/{mechanism.pk}/occurrences/?start=2020-01-01&end=2021-12-31"
    ).json()
    late = api.get(
        f"/api/v1/mechanisms/{mechanism.pk}/occurrences/?start=2098-01-01&end=2099-12-31"
    ).json()

    assert [(o["date"], o["state"], o["meeting"]) for o in early + late] == [
        ("2020-06-15", "held", held.pk),
        ("2021-06-15", "missed", None),
        ("2098-06-15", "scheduled", planned.pk),
        ("2099-06-15", "due", None),
    ]
    assert all(o["state_display"] for o in early + late)


def test_api_mechanism_occurrences_end_before_start_400(api, world):
    response = api.get(
        f"/api/v1/mechanisms/{world['mechanism'].pk}/occurrences/?start=2025-01-01&end=2024-01-01"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["end"]


def test_api_mechanism_occurrences_bad_date_400(api, world):
    response = api.get(f"/api/v1/mechanisms/{world['mechanism'].pk}/occurrences/?start=someday")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["start"]


# --- Writes that succeed ---------------------------------------------------------------------


def test_api_meeting_patch_description_keeps_sequence(api, world):
    meeting = MeetingFactory(partnership=world["partnership"], status=Meeting.Status.SCHEDULED)

    response = api.patch(f"/api/v1/meetings/{meeting.pk}/", {"description": "议程已定"})

    assert response.json()["sequence"] == 0
    meeting.refresh_from_db()
    assert (meeting.description, meeting.sequence) == ("议程已定", 0)


def test_api_meeting_put_same_time_in_beijing_keeps_sequence(api, world):
    meeting = MeetingFactory(
        partnership=world["partnership"],
        status=Meeting.Status.SCHEDULED,
        start=datetime(2026, 12, 10, 1, 0, tzinfo=UTC),
        end=datetime(2026, 12, 10, 4, 0, tzinfo=UTC),
    )
    data = api.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert data["start"] == "2026-12-10T09:00:00+08:00"

    response = api.put(f"/api/v1/meetings/{meeting.pk}/", {**data, "description": "议程已定"})

    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    entry = AuditEntry.objects.for_object(meeting).get()
    assert [c["field"] for c in entry.changes] == ["description"]


def test_api_meeting_status_scheduled_to_held(api, world):
    meeting = MeetingFactory(partnership=world["partnership"], status=Meeting.Status.SCHEDULED)

    response = api.patch(f"/api/v1/meetings/{meeting.pk}/", {"status": "held"})

    assert response.status_code == 200
    assert response.json()["sequence"] == 1
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (Meeting.Status.HELD, 1)


def test_api_membership_change_of_president_after_old_one_left(api, world):
    world["president"].status = Membership.Status.LEFT
    world["president"].save()

    response = api.post(
        "/api/v1/memberships/",
        {
            "association": world["association"].pk,
            "organisation": world["enterprise_b"].pk,
            "joined_on": "2025-01-01",
            "role": "president",
            "liaison": world["liaison_b"].pk,
        },
    )

    assert response.status_code == 201
    assert response.json()["liaison_name"] == "乙联络员"
    assert Membership.objects.active().get(role="president").organisation == world["enterprise_b"]


def test_model_serializer_fields_are_built_once_and_copied_for_each_serializer(monkeypatch):
    # Function-level imports: only this test needs the serializer classes.
    from rest_framework import serializers

    from liaison.api.conventions import ModelSerializer
    from meetings.api.serializers import InvitationSerializer

    class Fresh(InvitationSerializer):
        pass

    built = []
    original = serializers.ModelSerializer.build_field

    def build_field(self, *args, **kwargs):
        built.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(serializers.ModelSerializer, "build_field", build_field)
    first, second = Fresh(), Fresh()
    names = list(first.fields)
    after_first = len(built)
    assert list(second.fields) == names
    assert after_first > 0 and len(built) == after_first  # the second built nothing
    assert issubclass(Fresh, ModelSerializer)
    # Each serializer has its own field objects, bound to it.
    assert all(first.fields[n] is not second.fields[n] for n in names)
    assert all(second.fields[n].parent is second for n in names)


def test_copied_fields_hold_their_own_parts_and_reach_their_own_serializer():
    # Function-level imports: only this test needs the serializer classes.
    from rest_framework import serializers

    from liaison.api.conventions import clone_field
    from meetings.api.serializers import InvitationSerializer

    request = object()
    first = InvitationSerializer(context={"request": request})
    second = InvitationSerializer(context={})
    attendees = first.fields["attendees"]
    # The list's item serializer is its own, bound to this list, under this serializer.
    assert attendees.child is not second.fields["attendees"].child
    assert attendees.child.parent is attendees and attendees.child.root is first
    assert attendees.child.fields["name"].context["request"] is request
    assert second.fields["attendees"].child.fields["name"].context == {}
    # Validators and error messages are each field's own.
    name = attendees.child.fields["name"]
    other = second.fields["attendees"].child.fields["name"]
    assert name.validators is not other.validators and name.validators == other.validators
    name.error_messages["blank"] = "changed"
    assert other.error_messages["blank"] != "changed"
    # A many-relation's relation is copied and bound to the copy; a bound field is refused.
    many = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    copy = clone_field(many)
    assert copy.child_relation is not many.child_relation
    assert copy.child_relation.parent is copy and many.child_relation.parent is many
    with pytest.raises(AssertionError):
        clone_field(name)
