"""The demo attendance: the 2023 event's attendees checked in (most present, a few excused or
absent); its signing ceremony the same afternoon; the first (2024) and second (2025) joint
meetings held with their parties' attendees checked in; the 2025 event with the seven named
enterprises and 40 illustrative ones checked in; the agenda of the third joint meeting.

Idempotent: the secretariat's attendance marks are kept on a later run. All illustrative."""

from __future__ import annotations

from demo.invitations import (
    ARTICLE_ENTERPRISES,
    BEIJING,
    EVENT_2023,
    FEDERATION,
    JOINT_2026,
    TURPAN,
    illustrative_enterprises,
    invite,
)
from liaison.models import Organisation, User
from meetings import attendance, audience, services
from meetings.models import Attendee, Invitation, Meeting

SIGNING_2023 = "2023湖南民营企业进边疆·吐鲁番行项目签约仪式"
JOINT_2024 = "第一次联席会议"
# Of the 2023 event's attendees (in order), these are marked excused and absent; the others
# were present (illustrative: the article only says nearly a hundred came).
EXCUSED_EVERY, ABSENT_EVERY = 23, 31
ANSWERS_2024 = {
    FEDERATION: [
        {"name": "张健", "title": "主席"},
        {"name": "刘事青", "title": "党组书记"},
        {"name": "彭晓岚", "title": "联络处副处长"},
    ],
    TURPAN: [
        {"name": "艾力·买买提", "title": "市政府办公室联络员"},
        {"name": "古丽米拉·吐尔逊（示例）", "title": "市商务局副局长"},
    ],
}
EXCUSED_2024 = {"古丽米拉·吐尔逊（示例）"}
JOINT_2025 = "第二次联席会议"
# The second joint meeting, in Turpan (illustrative attendees).
ANSWERS_2025 = {
    FEDERATION: [
        {"name": "刘事青", "title": "党组书记"},
        {"name": "彭晓岚", "title": "联络处副处长"},
    ],
    TURPAN: [
        {"name": "艾力·买买提", "title": "市政府办公室联络员"},
        {"name": "古丽米拉·吐尔逊（示例）", "title": "市商务局副局长"},
        {"name": "王建新（示例）", "title": "市工商联副主席"},
    ],
}
EXCUSED_2025 = {"王建新（示例）"}
EVENT_2025 = "2025湖南民营企业进边疆·吐鲁番行"
# Of the illustrative enterprises, how many came again in 2025 with the seven named ones.
RETURNING_2025 = 40
AGENDA_2026 = (
    ("上次会议议定事项落实情况", "秘书处", 20),
    ("签约项目落实落地和到位资金情况汇报", "吐鲁番市商务局", 30),
    ("2027年“湖南民营企业进边疆·吐鲁番行”活动筹备", "湖南省工商联", 30),
    ("研究下一年度合作重点", "双方", 40),
)


def _check_in(meetings_attendees, *, actor, mark) -> None:
    """Mark the attendees whose attendance is not recorded yet (the secretariat's marks are
    kept on a later run)."""
    for position, attendee in enumerate(meetings_attendees, start=1):
        if attendee.attendance == Attendee.Attendance.UNKNOWN:
            services.mark_attendance(attendee, attendance=mark(position, attendee), actor=actor)


def _event_mark(position: int, attendee) -> str:
    if position % EXCUSED_EVERY == 0:
        return Attendee.Attendance.EXCUSED
    if position % ABSENT_EVERY == 0:
        return Attendee.Attendance.ABSENT
    return Attendee.Attendance.PRESENT


def _accept_with(invitation, attendees, *, actor) -> None:
    services.record_rsvp(
        invitation,
        status="accepted",
        attendees=attendees,
        actor=actor,
        channel=Invitation.Channel.PHONE,
    )


def _seed_joint_attendance(seeder, title: str, answers: dict, excused: set, *, actor) -> None:
    """A held joint meeting: both parties invited, their attendees checked in."""
    joint = Meeting.objects.filter(title=title).first()
    if joint is None:
        return
    parties = audience.parties(joint.partnership)
    services.set_cohosts(joint, parties, actor=actor)
    for invitation in invite(seeder, joint, parties, actor=actor):
        _accept_with(invitation, answers.get(invitation.organisation.name, []), actor=actor)
    _check_in(
        attendance.expected_attendees(joint),
        actor=actor,
        mark=lambda _position, attendee: (
            Attendee.Attendance.EXCUSED if attendee.name in excused else Attendee.Attendance.PRESENT
        ),
    )


def _seed_event_2025(seeder, *, actor) -> None:
    """The second event (2025, held): the seven named enterprises and some of the
    illustrative ones came again, one attendee each, checked in."""
    event = Meeting.objects.filter(title=EVENT_2025).first()
    if event is None:
        return
    services.set_cohosts(event, audience.parties(event.partnership), actor=actor)
    named = list(Organisation.objects.filter(name__in=ARTICLE_ENTERPRISES).order_by("name"))
    returning = illustrative_enterprises(seeder)[:RETURNING_2025]
    for invitation in invite(seeder, event, named + returning, actor=actor):
        name = f"{invitation.organisation.name[:-4]}代表"
        _accept_with(invitation, [{"name": name, "title": "总经理（示例）"}], actor=actor)
    _check_in(attendance.expected_attendees(event), actor=actor, mark=_event_mark)


def seed_attendance(seeder) -> None:
    """The 2023 event's and the first joint meeting's check-in, the 2023 signing ceremony,
    and the agenda of the next joint meeting."""
    secretariat = User.objects.get(username="secretariat")
    event = Meeting.objects.get(title=EVENT_2023)
    _check_in(attendance.expected_attendees(event), actor=secretariat, mark=_event_mark)

    start = event.start.astimezone(BEIJING)
    signing = seeder.upsert(
        Meeting,
        {"partnership": event.partnership, "title": SIGNING_2023},
        {
            "kind": Meeting.Kind.SIGNING,
            "number": None,
            "start": start.replace(hour=15, minute=0),
            "end": start.replace(hour=16, minute=30),
            "city": event.city,
            "venue": event.venue,
            "description": (
                "“湖南民营企业进边疆·吐鲁番行”活动当天举行的项目签约仪式：签订项目合作协议33个，"
                "签约总额246.18亿元。\n（示例数据说明：签约仪式的时间为示例。）"
            ),
            "is_illustrative": True,
        },
        create_only={"status": Meeting.Status.HELD},
    )
    services.set_cohosts(signing, audience.parties(signing.partnership), actor=secretariat)

    for title, answers, excused in (
        (JOINT_2024, ANSWERS_2024, EXCUSED_2024),
        (JOINT_2025, ANSWERS_2025, EXCUSED_2025),
    ):
        _seed_joint_attendance(seeder, title, answers, excused, actor=secretariat)
    _seed_event_2025(seeder, actor=secretariat)

    next_joint = Meeting.objects.get(title=JOINT_2026)
    if not next_joint.agenda_items.exists():
        for title, presenter, minutes in AGENDA_2026:
            services.add_agenda_item(
                next_joint,
                actor=secretariat,
                title=title,
                presenter=presenter,
                duration_minutes=minutes,
            )
            seeder.created += 1
