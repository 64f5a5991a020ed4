"""The agenda: items in order, edited by the secretariat only, shown to whoever sees the
meeting; materials checked at upload and downloadable only by those who see the meeting."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.models import AuditEntry
from meetings import services
from meetings.models import AgendaItem, AgendaMaterial, Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="议程.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def draft():
    return MeetingFactory(status=Meeting.Status.DRAFT)


def titles(meeting):
    return list(meeting.agenda_items.values_list("title", flat=True))


def test_items_are_added_in_order_and_audited(meeting, secretariat):
    first = services.add_agenda_item(
        meeting, actor=secretariat, title="上次会议议定事项落实情况", presenter="秘书处"
    )
    services.add_agenda_item(meeting, actor=secretariat, title="签约项目推进", duration_minutes=30)
    assert titles(meeting) == ["上次会议议定事项落实情况", "签约项目推进"]
    assert AuditEntry.objects.for_object(first).filter(action="create").exists()


def test_reorder_move_change_and_remove(meeting, secretariat):
    a = services.add_agenda_item(meeting, actor=secretariat, title="甲")
    b = services.add_agenda_item(meeting, actor=secretariat, title="乙")
    c = services.add_agenda_item(meeting, actor=secretariat, title="丙")
    services.reorder_agenda(meeting, [c.pk, a.pk, b.pk], actor=secretariat)
    assert titles(meeting) == ["丙", "甲", "乙"]
    services.move_agenda_item(AgendaItem.objects.get(pk=b.pk), actor=secretariat, offset=-1)
    assert titles(meeting) == ["丙", "乙", "甲"]
    services.change_agenda_item(a, actor=secretariat, presenter="张健", duration_minutes=20)
    a.refresh_from_db()
    assert (a.presenter, a.duration_minutes) == ("张健", 20)
    services.remove_agenda_item(c, actor=secretariat)
    assert titles(meeting) == ["乙", "甲"]
    assert AuditEntry.objects.filter(action="delete", object_repr="丙").exists()


def test_reorder_needs_every_item_once(meeting, secretariat):
    a = services.add_agenda_item(meeting, actor=secretariat, title="甲")
    services.add_agenda_item(meeting, actor=secretariat, title="乙")
    with pytest.raises(ValidationError):
        services.reorder_agenda(meeting, [a.pk], actor=secretariat)
    assert titles(meeting) == ["甲", "乙"]


def test_invalid_duration_is_refused(meeting, secretariat):
    with pytest.raises(ValidationError):
        services.add_agenda_item(meeting, actor=secretariat, title="甲", duration_minutes=0)
    assert not meeting.agenda_items.exists()


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_only_the_secretariat_edits(meeting, secretariat, persona, name):
    item = services.add_agenda_item(meeting, actor=secretariat, title="甲")
    with pytest.raises(PermissionDenied):
        services.add_agenda_item(meeting, actor=persona[name], title="乙")
    with pytest.raises(PermissionDenied):
        services.attach_agenda_material(item, actor=persona[name], upload=pdf())
    with pytest.raises(PermissionDenied):
        services.remove_agenda_item(item, actor=persona[name])
    assert titles(meeting) == ["甲"]
    assert not AgendaMaterial.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.pdf", b""), ("fake.pdf", b"MZ\x90\x00 not a pdf"), ("scan.png", PDF)],
)
def test_material_checks(meeting, secretariat, name, content):
    item = services.add_agenda_item(meeting, actor=secretariat, title="甲")
    with pytest.raises(ValidationError):
        services.attach_agenda_material(item, actor=secretariat, upload=pdf(name, content))
    assert not AgendaMaterial.objects.exists()


def test_meeting_page_shows_agenda_with_materials(client_for, meeting, secretariat, member_a):
    item = services.add_agenda_item(
        meeting, actor=secretariat, title="上次会议议定事项落实情况", presenter="秘书处"
    )
    material = services.attach_agenda_material(item, actor=secretariat, upload=pdf())
    page = client_for(member_a).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "上次会议议定事项落实情况" in page
    assert f"/meetings/materials/{material.pk}/" in page
    assert f"/meetings/{meeting.pk}/agenda/" not in page  # no editing for members


def test_material_download_for_those_who_see_the_meeting(
    client_for, meeting, secretariat, member_b
):
    item = services.add_agenda_item(meeting, actor=secretariat, title="甲")
    material = services.attach_agenda_material(item, actor=secretariat, upload=pdf())
    response = client_for(member_b).get(f"/meetings/materials/{material.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert client_for(None).get(f"/meetings/materials/{material.pk}/").status_code == 302


@pytest.mark.parametrize("name", ["member_a", "member_b"])
def test_draft_meeting_material_is_hidden_from_members(
    client_for, draft, secretariat, persona, name
):
    item = services.add_agenda_item(draft, actor=secretariat, title="甲")
    material = services.attach_agenda_material(item, actor=secretariat, upload=pdf())
    assert client_for(persona[name]).get(f"/meetings/materials/{material.pk}/").status_code == 404
    api = f"/api/v1/agenda-items/{item.pk}/materials/{material.pk}/"
    assert client_for(persona[name]).get(api).status_code == 404
    assert client_for(secretariat).get(f"/meetings/materials/{material.pk}/").status_code == 200


def test_agenda_editor_pages(client_for, meeting, secretariat):
    client = client_for(secretariat)
    url = f"/meetings/{meeting.pk}/agenda/"
    client.post(url, {"new-title": "甲", "new-duration_minutes": "15"})
    client.post(url, {"new-title": "乙"})
    first, second = meeting.agenda_items.all()
    client.post(f"/meetings/agenda/{second.pk}/move/", {"up": "1"})
    assert titles(meeting) == ["乙", "甲"]
    response = client.post(f"/meetings/agenda/{first.pk}/materials/", {"file": pdf("材料.pdf")})
    assert response.status_code == 302
    assert first.materials.get().original_name == "材料.pdf"
    assert "材料.pdf" in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_agenda_editor_refuses_others(client_for, meeting, secretariat, persona, name):
    item = services.add_agenda_item(meeting, actor=secretariat, title="甲")
    client = client_for(persona[name])
    assert client.get(f"/meetings/{meeting.pk}/agenda/").status_code == 403
    assert client.post(f"/meetings/agenda/{item.pk}/materials/", {"file": pdf()}).status_code == 403
    assert client.post(f"/meetings/agenda/{item.pk}/remove/").status_code == 403
    assert titles(meeting) == ["甲"]
    assert not AgendaMaterial.objects.exists()


def test_api_agenda_items(api_for, meeting, draft, secretariat, member_a):
    api = api_for(secretariat)
    created = api.post("/api/v1/agenda-items/", {"meeting": meeting.pk, "title": "甲"})
    assert created.status_code == 201, created.content
    api.post("/api/v1/agenda-items/", {"meeting": draft.pk, "title": "草稿议程"})
    upload = api.post(
        f"/api/v1/agenda-items/{created.json()['id']}/materials/",
        {"file": pdf()},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    listed = api_for(member_a).get("/api/v1/agenda-items/").json()["results"]
    assert [item["title"] for item in listed] == ["甲"]
    assert listed[0]["materials"][0]["original_name"] == "议程.pdf"
    refused = api_for(member_a).post(
        "/api/v1/agenda-items/", {"meeting": meeting.pk, "title": "乙"}
    )
    assert refused.status_code == 403
    assert titles(meeting) == ["甲"]


def test_api_reorder(api_for, meeting, secretariat):
    a = services.add_agenda_item(meeting, actor=secretariat, title="甲")
    b = services.add_agenda_item(meeting, actor=secretariat, title="乙")
    response = api_for(secretariat).post(
        f"/api/v1/agenda-items/reorder/{meeting.pk}/", {"items": [b.pk, a.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert titles(meeting) == ["乙", "甲"]
