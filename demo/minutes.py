"""Demo minutes (``seed_demo``): the first joint meeting's minutes (2024) published, with
decisions in every status and their follow-ups; the second joint meeting's minutes (2025)
circulated and approved by the Hunan side only, awaiting Turpan's approval. Two demo
approvers, one per party (the secretariat drafts and publishes but never approves).

Idempotent: minutes that exist are left as they are (the secretariat may have moved them on).
All content is illustrative (示例) and says so."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from liaison.models import Organisation, User
from meetings import minutes as workflow
from meetings.models import Decision, Meeting, Minutes

FEDERATION = "湖南省工商业联合会"
TURPAN = "吐鲁番市人民政府"
JOINT_2024 = "第一次联席会议"
JOINT_2025 = "第二次联席会议"
NOTE = "（示例数据：纪要内容为示例。）"

# (user name, full name, organisation)
APPROVERS = (
    ("approver_hunan", "湖南省工商联审定人（演示）", FEDERATION),
    ("approver_turpan", "吐鲁番市审定人（演示）", TURPAN),
)

BEIJING = timezone.get_fixed_timezone(480)
# When the 2024 minutes went round, were approved and published (签发 2024年6月21日), and when
# the 2025 minutes went round and Hunan approved them: the dates the minutes themselves print.
STEPS_2024 = {
    "circulated": datetime(2024, 6, 17, 10, 0, tzinfo=BEIJING),
    "approved_hunan": datetime(2024, 6, 19, 16, 0, tzinfo=BEIJING),
    "approved_turpan": datetime(2024, 6, 20, 11, 0, tzinfo=BEIJING),
    "published": datetime(2024, 6, 21, 9, 30, tzinfo=BEIJING),
}
STEPS_2025 = {
    "circulated": datetime(2025, 6, 24, 10, 0, tzinfo=BEIJING),
    "approved_hunan": datetime(2025, 6, 26, 15, 0, tzinfo=BEIJING),
}

D = Decision.Status
# (text, responsible units, deadline, status, reason, follow-ups [(date, text, by)])
DECISIONS_2024 = (
    (
        "建立签约项目台账，逐项明确责任单位，按季度通报33个签约项目落实落地和到位资金情况。",
        (TURPAN, FEDERATION),
        date(2024, 9, 30),
        D.DONE,
        "",
        [(date(2024, 9, 20), "项目台账已建立，第三季度通报已印发。", "秘书处")],
    ),
    (
        "发展湘吐两地民营企业互助联谊会会员，年内新增会员不少于5家。",
        (FEDERATION,),
        date(2025, 6, 30),
        D.IN_PROGRESS,
        "",
        [(date(2025, 3, 18), "已新增会员3家，另有2家正在办理入会。", "湖南省工商联")],
    ),
    (
        "依托鄯善县“疆品入湘工作联络站”，扩大肉苁蓉、黑桑葚等特色产品在湘销售。",
        ("鄯善县人民政府", "湖南衡岳中药饮片有限公司"),
        date(2026, 12, 31),
        D.OPEN,
        "",
        [],
    ),
    (
        "组织湖南企业赴托克逊能源重化工工业园区开展专题考察。",
        ("托克逊能源重化工工业园区", FEDERATION),
        date(2025, 3, 31),
        D.OPEN,
        "",
        [(date(2025, 1, 10), "考察方案已拟定，待确定时间。", "托克逊能源重化工工业园区")],
    ),
    (
        "在长沙举办吐鲁番葡萄专场推介会。",
        ("高昌区人民政府",),
        date(2024, 10, 31),
        D.DROPPED,
        "并入2025年“湖南民营企业进边疆·吐鲁番行”活动统一安排。",
        [],
    ),
)
DECISIONS_2025 = (
    (
        "筹备2025年“湖南民营企业进边疆·吐鲁番行”活动，形成活动方案报双方审定。",
        (FEDERATION, TURPAN),
        date(2025, 9, 30),
    ),
    (
        "推动湖南兴盛优选电子商务有限公司扩大吐鲁番葡萄线上销售。",
        ("湖南兴盛优选电子商务有限公司", "高昌区人民政府"),
        date(2026, 12, 31),
    ),
)


def _approvers(seeder, password: str) -> list[User]:
    users = []
    for username, name, org in APPROVERS:
        user = seeder.upsert(
            User,
            {"username": username},
            {
                "role": User.Role.OFFICIAL,
                "name": name,
                "organisation": Organisation.objects.get(name=org),
                "is_staff": False,
                "is_superuser": False,
                "is_active": True,
            },
            on_create=lambda new: new.set_password(password),
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users


def _units(names) -> list[Organisation]:
    return [Organisation.objects.get(name=name) for name in names]


def _draft(meeting, *, actor, approvers, opening: str, summaries: list[str]) -> Minutes:
    minutes = workflow.draft_minutes(
        meeting,
        actor=actor,
        chairs="张健、艾力·买买提",
        recorder="彭晓岚",
        approver_a=approvers[0],
        approver_b=approvers[1],
    )
    version = workflow.current_version(minutes)
    content = {"opening": opening + NOTE}
    agenda = version.content["agenda"] or [{"title": "签约项目推进情况", "summary": ""}]
    content["agenda"] = [
        {"title": item["title"], "summary": summaries[i % len(summaries)]}
        for i, item in enumerate(agenda)
    ]
    workflow.update_draft(version, actor=actor, content=content)
    return minutes


def _first_joint_meeting(seeder, secretariat, approvers) -> None:
    meeting = Meeting.objects.filter(title=JOINT_2024).first()
    if meeting is None or Minutes.objects.filter(meeting=meeting).exists():
        seeder.unchanged += 1
        return
    minutes = _draft(
        meeting,
        actor=secretariat,
        approvers=approvers,
        opening="2024年6月14日，湘吐联席会议第一次会议在长沙召开，研究“民营企业进边疆”行动"
        "签约项目的推进和联谊会的筹建。",
        summaries=["会议听取了2023年活动33个签约项目（签约总额246.18亿元）的推进情况。"],
    )
    decisions = []
    for text, units, deadline, *_rest in DECISIONS_2024:
        decisions.append(
            workflow.add_decision(
                minutes,
                actor=secretariat,
                text=text,
                responsible_units=_units(units),
                deadline=deadline,
            )
        )
    version = workflow.current_version(minutes)
    steps = STEPS_2024
    workflow.circulate_minutes(version, actor=secretariat, notify=False, at=steps["circulated"])
    workflow.approve_minutes(version, actor=approvers[0], at=steps["approved_hunan"])
    workflow.approve_minutes(version, actor=approvers[1], at=steps["approved_turpan"])
    workflow.publish_minutes(version, actor=secretariat, at=steps["published"])
    for decision, (_t, _u, _d, status, reason, follow_ups) in zip(
        decisions, DECISIONS_2024, strict=True
    ):
        for day, text, by in follow_ups:
            workflow.add_follow_up(decision, actor=secretariat, date=day, text=text, reported_by=by)
        if status == D.DONE:
            workflow.change_decision_status(decision, actor=secretariat, to=D.IN_PROGRESS)
        if status != D.OPEN:
            workflow.change_decision_status(decision, actor=secretariat, to=status, reason=reason)
    seeder.created += 1


def _second_joint_meeting(seeder, secretariat, approvers) -> None:
    meeting = Meeting.objects.filter(title=JOINT_2025).first()
    if meeting is None or meeting.status not in (Meeting.Status.HELD, Meeting.Status.CLOSED):
        return
    if Minutes.objects.filter(meeting=meeting).exists():
        seeder.unchanged += 1
        return
    minutes = _draft(
        meeting,
        actor=secretariat,
        approvers=approvers,
        opening="2025年6月20日，湘吐联席会议第二次会议在吐鲁番市召开，通报上次会议议定事项的"
        "落实情况，筹备2025年“湖南民营企业进边疆·吐鲁番行”活动。",
        summaries=["会议通报了上次会议议定事项的落实情况。"],
    )
    for text, units, deadline in DECISIONS_2025:
        workflow.add_decision(
            minutes,
            actor=secretariat,
            text=text,
            responsible_units=_units(units),
            deadline=deadline,
        )
    version = workflow.current_version(minutes)
    steps = STEPS_2025
    workflow.circulate_minutes(version, actor=secretariat, notify=False, at=steps["circulated"])
    # Turpan's approval is awaited.
    workflow.approve_minutes(version, actor=approvers[0], at=steps["approved_hunan"])
    seeder.created += 1


def seed_minutes(seeder, password: str) -> list[User]:
    """The demo minutes and decisions; returns the demo approvers (for seed_demo's table)."""
    secretariat = User.objects.get(username="secretariat")
    approvers = _approvers(seeder, password)
    _first_joint_meeting(seeder, secretariat, approvers)
    _second_joint_meeting(seeder, secretariat, approvers)
    return approvers
