"""The minutes workflow: drafting from check-in, circulation, comments, approval by both
parties, publication, correction by a new version, differences, and every refusal."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail as outbox
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import Agreement
from agreements.tests.factories import AgreementFactory
from liaison.models import AuditEntry
from liaison.tests.factories import OrganisationFactory
from meetings import minutes as workflow
from meetings.minutes import printing
from meetings.models import MailDelivery, Meeting, Minutes, MinutesVersion
from meetings.tests.factories import MeetingFactory
from meetings.tests.minutes_setup import decision, published

pytestmark = pytest.mark.django_db
S = MinutesVersion.Status


def test_draft_prefills_attendance_agenda_and_number(minutes):
    version = workflow.current_version(minutes)
    assert minutes.document_number == "〔2024〕1号"
    assert version.number == 1 and version.status == S.DRAFT
    assert version.content["present"] == ["王喆（甲企业有限公司、总经理）"]
    assert version.content["excused"] == ["李赟（甲企业有限公司）"]
    assert version.content["observers"] == []
    assert version.content["agenda"] == [{"title": "签约项目推进情况", "summary": ""}]
    assert AuditEntry.objects.for_object(version).exists()


def test_document_numbers_count_up_per_year(setting, secretariat, minutes):
    other = MeetingFactory(
        partnership=setting.meeting.partnership,
        start=setting.meeting.start,
        status=Meeting.Status.HELD,
    )
    second = workflow.draft_minutes(other, actor=secretariat)
    assert second.document_number == "〔2024〕2号"
    with pytest.raises(ValidationError):
        workflow.save_minutes_facts(second, actor=secretariat, serial=1)


def test_draft_refusals(setting, secretariat, official, minutes):
    with pytest.raises(ValidationError):
        workflow.draft_minutes(setting.meeting, actor=secretariat)  # already has minutes
    with pytest.raises(PermissionDenied):
        workflow.draft_minutes(MeetingFactory(status=Meeting.Status.HELD), actor=official)
    with pytest.raises(ValidationError):
        workflow.draft_minutes(MeetingFactory(), actor=secretariat)  # not held yet


def test_approver_must_belong_to_the_party(setting, secretariat, minutes):
    with pytest.raises(ValidationError):
        workflow.save_minutes_facts(minutes, actor=secretariat, approver_a=setting.approver_b)


def test_update_draft_changes_the_text(minutes, secretariat):
    version = workflow.current_version(minutes)
    workflow.update_draft(
        version,
        actor=secretariat,
        content={"opening": "会议由双方共同主持。", "observers": "张健\n\n刘翔"},
    )
    version.refresh_from_db()
    assert version.content["opening"] == "会议由双方共同主持。"
    assert version.content["observers"] == ["张健", "刘翔"]
    assert version.content["present"]  # untouched


def test_circulate_mails_both_parties_after_commit(
    minutes, secretariat, django_capture_on_commit_callbacks
):
    version = workflow.current_version(minutes)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.circulate_minutes(version, actor=secretariat)
    version.refresh_from_db()
    assert version.status == S.CIRCULATED and version.circulated_at
    recipients = sorted(m.to[0] for m in outbox.outbox)
    assert recipients == sorted(
        ["liaison.a@example.cn", "liaison.b@example.cn", "a@example.cn", "b@example.cn"]
    )
    assert "第一次联席会议" in outbox.outbox[0].subject
    assert set(MailDelivery.objects.values_list("kind", "status")) == {("minutes", "sent")}
    with pytest.raises(ValidationError):
        workflow.circulate_minutes(version, actor=secretariat)


def test_comments_record_the_quoted_text(setting, minutes, secretariat, member_b):
    version = workflow.current_version(minutes)
    comment = workflow.comment_on_minutes(
        version, actor=setting.liaison_a, quote="王喆", body="请补充职务全称。"
    )
    assert (comment.quote, comment.author) == ("王喆", setting.liaison_a)
    with pytest.raises(ValidationError):
        workflow.comment_on_minutes(version, actor=setting.liaison_a, quote="不存在", body="？")
    with pytest.raises(ValidationError):
        workflow.comment_on_minutes(version, actor=setting.liaison_a, body="  ")
    with pytest.raises(PermissionDenied):
        workflow.comment_on_minutes(version, actor=member_b, body="外人")


def test_publishing_needs_both_approvals(setting, minutes, secretariat):
    version = workflow.current_version(minutes)
    with pytest.raises(ValidationError):
        workflow.approve_minutes(version, actor=setting.approver_a)  # not circulated yet
    workflow.circulate_minutes(version, actor=secretariat)
    workflow.approve_minutes(version, actor=setting.approver_a)
    with pytest.raises(ValidationError):
        workflow.approve_minutes(version, actor=setting.approver_a)  # twice
    with pytest.raises(ValidationError):
        workflow.publish_minutes(version, actor=secretariat)  # one approval only
    version.refresh_from_db()
    assert version.status == S.CIRCULATED
    workflow.approve_minutes(version, actor=setting.approver_b)
    version.refresh_from_db()
    assert version.status == S.APPROVED
    workflow.publish_minutes(version, actor=secretariat)
    version.refresh_from_db()
    assert version.status == S.PUBLISHED and version.published_at


def test_only_designated_approvers_approve(setting, minutes, secretariat, official, member_a):
    version = workflow.current_version(minutes)
    workflow.circulate_minutes(version, actor=secretariat)
    for actor in (secretariat, official, member_a, setting.liaison_a):
        with pytest.raises(PermissionDenied):
            workflow.approve_minutes(version, actor=actor)


def test_publish_is_the_secretariats(setting, minutes, secretariat):
    version = workflow.current_version(minutes)
    workflow.circulate_minutes(version, actor=secretariat)
    workflow.approve_minutes(version, actor=setting.approver_a)
    workflow.approve_minutes(version, actor=setting.approver_b)
    with pytest.raises(PermissionDenied):
        workflow.publish_minutes(version, actor=setting.approver_a)


def test_editing_a_circulated_version_withdraws_approvals(setting, minutes, secretariat):
    version = workflow.current_version(minutes)
    workflow.circulate_minutes(version, actor=secretariat)
    workflow.approve_minutes(version, actor=setting.approver_a)
    workflow.update_draft(version, actor=secretariat, content={"opening": "改动"})
    assert version.approvals.count() == 0


def test_published_version_cannot_be_edited_only_superseded(setting, minutes, secretariat):
    version = published(minutes, setting, secretariat)
    with pytest.raises(ValidationError):
        workflow.update_draft(version, actor=secretariat, content={"opening": "改"})
    with pytest.raises(ValidationError):
        decision(minutes, secretariat, units=[setting.party_a])
    with pytest.raises(ValidationError):
        workflow.correct_minutes(version, actor=secretariat, reason="")
    correction = workflow.correct_minutes(version, actor=secretariat, reason="更正出席人员职务")
    assert (correction.number, correction.status) == (2, S.DRAFT)
    assert correction.content == version.content
    with pytest.raises(ValidationError):
        workflow.correct_minutes(version, actor=secretariat, reason="再次")  # one at a time
    version.refresh_from_db()
    assert version.status == S.PUBLISHED  # in force until the correction is published
    workflow.update_draft(correction, actor=secretariat, content={"opening": "更正后的开头"})
    published(minutes, setting, secretariat)
    version.refresh_from_db()
    correction.refresh_from_db()
    assert version.status == S.SUPERSEDED and version.superseded_at
    assert version.content["opening"] == ""  # the old text stays readable, unchanged
    assert correction.status == S.PUBLISHED


def test_the_database_refuses_two_published_versions(setting, minutes, secretariat):
    version = published(minutes, setting, secretariat)
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesVersion.objects.create(
            minutes=minutes,
            number=2,
            status=S.PUBLISHED,
            published_at=version.published_at,
            correction_reason="x",
        )


def test_diff_shows_a_change(setting, minutes, secretariat):
    version = published(minutes, setting, secretariat)
    correction = workflow.correct_minutes(version, actor=secretariat, reason="补充")
    correction = workflow.update_draft(
        correction, actor=secretariat, content={"observers": ["刘翔（湖南疆漠漠商业连锁有限公司）"]}
    )
    changes = workflow.diff_versions(version, correction)
    assert {"kind": "removed", "line": "列席："} in changes
    assert {"kind": "added", "line": "列席：刘翔（湖南疆漠漠商业连锁有限公司）"} in changes
    with pytest.raises(ValidationError):
        other = MinutesVersion(minutes=Minutes(pk=0), number=1)
        workflow.diff_versions(version, other)


def test_document_for_builds_the_pdf_input(setting, minutes, secretariat):
    decision(minutes, secretariat, units=[setting.party_b], text="筹建互助联谊会")
    document = workflow.document_for(workflow.current_version(minutes))
    assert document.document_number == "〔2024〕1号"
    assert document.title == "第一次联席会议纪要"
    assert document.chairs == ["刘事青", "艾力"]
    assert document.is_draft
    assert document.decisions[0].responsible_units == ["吐鲁番市人民政府"]


def test_pdf_rendered_once_for_published(setting, minutes, secretariat, fake_renderer):
    version = published(minutes, setting, secretariat)
    assert workflow.minutes_pdf(version) == workflow.minutes_pdf(version)
    assert len(fake_renderer) == 1 and fake_renderer[0][0].is_draft is False
    version.refresh_from_db()
    assert version.pdf.name.startswith("minutes/")
    workflow.minutes_pdf(version, archival=True)
    assert fake_renderer[-1][1] is True


def test_draft_pdf_is_watermarked_and_cached_per_content(minutes, secretariat, fake_renderer):
    version = workflow.current_version(minutes)
    workflow.minutes_pdf(version)
    workflow.minutes_pdf(version)
    assert len(fake_renderer) == 1 and fake_renderer[0][0].is_draft
    workflow.update_draft(version, actor=secretariat, content={"opening": "新"})
    workflow.minutes_pdf(MinutesVersion.objects.get(pk=version.pk))
    assert len(fake_renderer) == 2
    with pytest.raises(ValidationError):
        workflow.minutes_pdf(version, archival=True)


def test_without_the_pdf_layer_pdfs_are_refused(minutes, monkeypatch):
    monkeypatch.setattr(printing, "_renderer", lambda: None)
    with pytest.raises(ValidationError):
        workflow.minutes_pdf(workflow.current_version(minutes))


def test_visibility_of_minutes_and_versions(
    setting, minutes, secretariat, official, member_a, member_b
):
    def visible(user):
        return list(Minutes.objects.visible_to(user)), list(MinutesVersion.objects.visible_to(user))

    draft = workflow.current_version(minutes)
    assert visible(official) == ([], [])
    assert visible(member_a) == ([], [])
    assert visible(setting.liaison_a) == ([minutes], [draft])
    assert visible(setting.approver_b) == ([minutes], [draft])
    published(minutes, setting, secretariat)
    assert visible(official) == ([minutes], [draft])
    assert visible(member_a) == ([minutes], [draft])  # enterprise A was invited
    assert visible(member_b) == ([], [])  # enterprise B was not
    correction = workflow.correct_minutes(draft, actor=secretariat, reason="更正")
    assert visible(member_a)[1] == [draft]  # the correction is still a draft
    assert set(visible(setting.liaison_a)[1]) == {draft, correction}
    assert OrganisationFactory()  # unrelated organisations change nothing


def test_minutes_list_the_agreements_amounts_in_one_unit(setting, secretariat):
    """The amounts of the agreements signed at the meeting share the unit of the largest."""
    meeting = setting.meeting
    for title, amount in (("大项目", "65000000.00"), ("小项目", "3000000.00"), ("意向", None)):
        AgreementFactory(
            title=title,
            amount=Decimal(amount) if amount else None,
            kind=Agreement.Kind.PROJECT if amount else Agreement.Kind.INTENTION,
            signed_at_meeting=meeting,
        )
    drafted = workflow.draft_minutes(
        meeting,
        actor=secretariat,
        chairs="刘事青",
        recorder="彭晓岚",
        approver_a=setting.approver_a,
        approver_b=setting.approver_b,
    )

    lines = {
        line["title"]: line["amount_label"]
        for line in workflow.current_version(drafted).content["agreements"]
    }
    assert lines == {"大项目": "6500.00 万元", "小项目": "300.00 万元", "意向": ""}


def test_workflow_steps_record_the_given_moments(setting, secretariat, minutes):
    beijing = timezone.get_fixed_timezone(480)
    version = workflow.current_version(minutes)
    circulated = datetime(2024, 6, 17, 10, 0, tzinfo=beijing)
    workflow.circulate_minutes(version, actor=secretariat, notify=False, at=circulated)
    workflow.approve_minutes(
        version, actor=setting.approver_a, at=datetime(2024, 6, 19, 16, 0, tzinfo=beijing)
    )
    workflow.approve_minutes(
        version, actor=setting.approver_b, at=datetime(2024, 6, 20, 23, 30, tzinfo=beijing)
    )
    published_at = datetime(2024, 6, 21, 0, 30, tzinfo=beijing)  # 16:30 UTC the day before
    workflow.publish_minutes(version, actor=secretariat, at=published_at)
    version.refresh_from_db()
    assert version.circulated_at == circulated
    assert version.published_at == published_at
    assert sorted(a.approved_at.date() for a in version.approvals.all()) == [
        date(2024, 6, 19),
        date(2024, 6, 20),
    ]
    # The closing date of the minutes is the publication day in Beijing.
    assert workflow.document_for(version).published_on == date(2024, 6, 21)


def test_workflow_moments_are_not_in_the_future_nor_out_of_order(setting, secretariat, minutes):
    version = workflow.current_version(minutes)
    with pytest.raises(ValidationError):
        workflow.circulate_minutes(
            version, actor=secretariat, at=timezone.now() + timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        workflow.circulate_minutes(version, actor=secretariat, at=datetime(2024, 6, 17, 10))
    workflow.circulate_minutes(version, actor=secretariat, at=datetime(2024, 6, 17, tzinfo=UTC))
    with pytest.raises(ValidationError):
        workflow.approve_minutes(
            version, actor=setting.approver_a, at=datetime(2024, 6, 16, tzinfo=UTC)
        )
    workflow.approve_minutes(version, actor=setting.approver_a)
    workflow.approve_minutes(version, actor=setting.approver_b)
    with pytest.raises(ValidationError):
        workflow.publish_minutes(version, actor=secretariat, at=datetime(2024, 6, 18, tzinfo=UTC))
    version.refresh_from_db()
    assert version.status == S.APPROVED and version.published_at is None
