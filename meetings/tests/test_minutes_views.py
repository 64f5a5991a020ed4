"""The minutes pages and API: drafting, commenting, approving, publishing, correcting, the
diff page, and who may download which PDF (the renderer is replaced: it is tested apart)."""

import pytest
from django.urls import reverse

from meetings import minutes as workflow
from meetings.models import Approval, Comment, Minutes, MinutesVersion
from meetings.tests.minutes_setup import PDF, published

pytestmark = pytest.mark.django_db


def pdf_status(client, version) -> int:
    response = client.get(reverse("minutes-version-pdf", args=[version.pk]))
    if response.status_code == 200:
        assert (
            b"".join(response.streaming_content if response.streaming else [response.content])
            == PDF
        )
    return response.status_code


def test_draft_pdf_only_for_secretariat_approvers_and_liaison(
    setting, minutes, secretariat, official, member_a, member_b, client_for, fake_renderer
):
    version = workflow.current_version(minutes)
    for user in (secretariat, setting.approver_a, setting.approver_b, setting.liaison_a):
        assert pdf_status(client_for(user), version) == 200, user
    for user in (official, member_a, member_b):
        assert pdf_status(client_for(user), version) == 404, user
    assert (
        client_for(None).get(reverse("minutes-version-pdf", args=[version.pk])).status_code == 302
    )
    assert len(fake_renderer) == 1  # rendered once, then served from storage


def test_published_pdf_for_readers_except_uninvited_members(
    setting, minutes, secretariat, official, member_a, member_b, client_for, fake_renderer
):
    version = published(minutes, setting, secretariat)
    assert pdf_status(client_for(official), version) == 200
    assert pdf_status(client_for(member_a), version) == 200  # enterprise A was invited
    assert pdf_status(client_for(member_b), version) == 404  # enterprise B was not
    assert fake_renderer[0][0].is_draft is False


def test_start_and_edit_the_draft(setting, secretariat, client_for):
    client = client_for(secretariat)
    url = reverse("meeting-minutes", args=[setting.meeting.pk])
    assert "开始" in client.get(url).content.decode() or client.get(url).status_code == 200
    response = client.post(url)
    version = MinutesVersion.objects.get()
    assert response.url == reverse("minutes-version-edit", args=[version.pk])
    data = {
        "facts-year": 2024,
        "facts-serial": 1,
        "facts-chairs": "刘事青、艾力",
        "facts-recorder": "彭晓岚",
        "facts-approver_a": setting.approver_a.pk,
        "facts-approver_b": setting.approver_b.pk,
        "text-opening": "会议由双方共同主持。",
        "text-present": "王喆\n李赟",
        "text-excused": "",
        "text-observers": "刘翔",
        "text-summary_0": "会议听取了签约项目推进情况。",
    }
    response = client.post(reverse("minutes-version-edit", args=[version.pk]), data)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.content["present"] == ["王喆", "李赟"]
    assert version.content["agenda"][0]["summary"] == "会议听取了签约项目推进情况。"
    assert Minutes.objects.get().approver_b == setting.approver_b
    page = client.get(reverse("minutes-version", args=[version.pk])).content.decode()
    assert "会议听取了签约项目推进情况。" in page


def test_member_cannot_start_minutes(setting, member_a, client_for):
    response = client_for(member_a).post(reverse("meeting-minutes", args=[setting.meeting.pk]))
    assert response.status_code == 404
    assert not Minutes.objects.exists()


def test_workflow_through_the_pages(setting, minutes, secretariat, client_for):
    version = workflow.current_version(minutes)

    def act(user, action, **data):
        url = reverse("minutes-version-action", args=[version.pk, action])
        return client_for(user).post(url, data)

    act(secretariat, "circulate")
    act(setting.liaison_a, "comment", quote="王喆", body="请补充职务。")
    assert Comment.objects.get().quote == "王喆"
    act(setting.approver_a, "approve")
    response = act(secretariat, "publish")  # refused: one approval only
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and MinutesVersion.objects.get().status == "circulated"
    act(secretariat, "approve")  # the secretariat cannot approve for a party
    assert Approval.objects.count() == 1
    act(setting.approver_b, "approve")
    act(secretariat, "publish")
    assert MinutesVersion.objects.get().status == "published"
    response = act(secretariat, "correct", reason="更正职务")
    correction = MinutesVersion.objects.get(number=2)
    assert response.url == reverse("minutes-version-edit", args=[correction.pk])
    workflow.update_draft(correction, actor=secretariat, content={"opening": "更正后的开头"})
    page = client_for(secretariat).get(reverse("minutes-version-diff", args=[correction.pk]))
    assert "更正后的开头" in page.content.decode()


def test_api_workflow(setting, api_for, secretariat, member_b, fake_renderer):
    api = api_for(secretariat)
    response = api.post(
        "/api/v1/minutes/",
        {
            "meeting": setting.meeting.pk,
            "chairs": "刘事青",
            "approver_a": setting.approver_a.pk,
            "approver_b": setting.approver_b.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    version_id = response.json()["versions"][0]
    url = f"/api/v1/minutes-versions/{version_id}/"
    assert api.patch(url, {"content": {"opening": "开头"}}, format="json").status_code == 200
    response = api.post(
        f"/api/v1/minutes/{response.json()['id']}/decisions/",
        {"text": "推进落地", "responsible_units": [setting.party_a.pk]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["number"] == 1
    assert api.post(url + "circulate/").json()["status"] == "circulated"
    comment = api_for(setting.liaison_a).post(url + "comments/", {"body": "同意", "quote": "开头"})
    assert comment.status_code == 201
    assert api.post(url + "approve/").status_code == 403
    assert api_for(setting.approver_a).post(url + "approve/").status_code == 200
    assert api.post(url + "publish/").status_code == 400
    assert api_for(setting.approver_b).post(url + "approve/").json()["status"] == "approved"
    assert api.post(url + "publish/").json()["status"] == "published"
    assert api.patch(url, {"content": {"opening": "改"}}, format="json").status_code == 400
    new = api.post(url + "correct/", {"reason": "更正"}).json()
    api.patch(
        f"/api/v1/minutes-versions/{new['id']}/", {"content": {"opening": "新"}}, format="json"
    )
    diff = api.get(f"/api/v1/minutes-versions/{new['id']}/diff/").json()
    assert {"kind": "added", "line": "新"} in diff["changes"]
    assert api.get(url + "pdf/").content == PDF
    assert api_for(member_b).get(url + "pdf/").status_code == 404
