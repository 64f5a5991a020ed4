"""The demo invitations and answers, loaded by ``manage.py seed_demo``.

- The 2023 event (首届“湖南民营企业进边疆·吐鲁番行”, held): the article says nearly a hundred
  Hunan private entrepreneurs came. The seven Hunan enterprises it names and 91 illustrative
  ones (named …（示例）, ``is_illustrative``) are invited, and each accepted with one attendee.
- The third joint meeting (2026, scheduled): both parties, the association's members and the
  three Turpan county-level governments are invited, with a mix of answers; the demo member's
  organisation (湖南兴盛优选电子商务有限公司) has not answered yet, so it can answer in the demo.
- Attendance follows in ``demo.attendance``.

Idempotent like the rest of ``seed_demo``: invitations are created only when missing, and an
answer is recorded only for an invitation created in the same run, so what members and the
secretariat record afterwards is kept. All answers are illustrative.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from liaison.models import Organisation, Person, Region, User
from meetings import audience, services
from meetings.models import Invitation, Meeting

BEIJING = ZoneInfo("Asia/Shanghai")
EVENT_2023 = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"
JOINT_2026 = "第三次联席会议"
FEDERATION = "湖南省工商业联合会"
TURPAN = "吐鲁番市人民政府"
ARTICLE_ENTERPRISES = (
    "湖南衡岳中药饮片有限公司",
    "湖南兴盛优选电子商务有限公司",
    "郴州桂阳朝天龙椒辣业食品有限公司",
    "株洲市锦泓食品有限公司",
    "湖南竞网集团",
    "湖南疆漠漠商业连锁有限公司",
    "湖南五江集团",
)
ILLUSTRATIVE_ENTERPRISES = 91  # with the seven named: 98, the article's "近百名"
EVERYTHING = list(Meeting.AnswerField.values)

# Meeting title: its number, answer form, deadline (Beijing time) and capacity.
MEETING_SETTINGS = {
    EVENT_2023: {"number": 1, "answer_fields": EVERYTHING},
    "第一次联席会议": {"number": 1},
    "第二次联席会议": {"number": 2},
    JOINT_2026: {
        "number": 3,
        # The Turpan delegation travels to Changsha: the hosts ask for travel and meals.
        "answer_fields": EVERYTHING,
        "rsvp_deadline": datetime(2026, 12, 11, 18, 0, tzinfo=BEIJING),
        "capacity": 60,
    },
    "2025湖南民营企业进边疆·吐鲁番行": {"number": 2, "answer_fields": EVERYTHING},
}

TRAVEL = {
    "arrival_date": date(2026, 12, 17),
    "arrival_transport": "CZ6886",
    "departure_date": date(2026, 12, 19),
    "departure_transport": "CZ6885",
    "needs_accommodation": True,
}
# Organisation: (answer, attendees, delegate, note) for the 2026 joint meeting.
ANSWERS_2026 = {
    FEDERATION: (
        "accepted",
        [{"name": "张健", "title": "主席"}, {"name": "彭晓岚", "title": "联络处副处长"}],
        None,
        "",
    ),
    TURPAN: (
        "accepted",
        [
            {"name": "艾力·买买提", "title": "市政府办公室联络员", "dietary": "halal", **TRAVEL},
            {
                "name": "古丽米拉·吐尔逊（示例）",
                "title": "市商务局副局长",
                "dietary": "halal",
                **TRAVEL,
            },
            {"name": "王建新（示例）", "title": "吐鲁番经开区管委会副主任", **TRAVEL},
        ],
        None,
        "",
    ),
    "湖南五江集团": ("declined", [], None, "董事长同期在新疆考察项目，无法参会。（示例）"),
    "湖南衡岳中药饮片有限公司": (
        "tentative",
        [{"name": "谭雅琴", "title": "销售部经理"}],
        None,
        "",
    ),
    "湖南竞网集团": (
        "accepted",
        [],
        {"name": "刘翔", "title": "湖南疆漠漠商业连锁有限公司总经理", "phone": "13900000301"},
        "委派刘翔总经理参会。（示例）",
    ),
    "鄯善县人民政府": (
        "accepted",
        [{"name": "鄯善县代表（示例）", "title": "副县长", **TRAVEL}],
        None,
        "",
    ),
}


def _configure_meetings(seeder) -> dict[str, Meeting]:
    meetings = {}
    for title, values in MEETING_SETTINGS.items():
        meetings[title] = seeder.upsert(Meeting, {"title": title}, values)
    return meetings


def illustrative_enterprises(seeder) -> list[Organisation]:
    hunan = Region.objects.get(code="430000")
    return [
        seeder.upsert(
            Organisation,
            {"name": f"湖南示例民营企业{n:02d}有限公司（示例）"},
            {"kind": Organisation.Kind.ENTERPRISE, "region": hunan, "is_illustrative": True},
        )
        for n in range(1, ILLUSTRATIVE_ENTERPRISES + 1)
    ]


def invite(seeder, meeting: Meeting, organisations, *, actor) -> list[Invitation]:
    organisations = list(dict.fromkeys(organisations))
    created = services.invite_organisations(meeting, organisations, actor=actor)
    seeder.created += len(created)
    seeder.unchanged += len(organisations) - len(created)
    return created


def seed_invitations(seeder) -> None:
    """Invitations and answers of the 2023 event and the 2026 joint meeting."""
    secretariat = User.objects.get(username="secretariat")
    meetings = _configure_meetings(seeder)
    for meeting in (meetings[EVENT_2023], meetings[JOINT_2026]):
        parties = audience.parties(meeting.partnership)
        services.set_cohosts(meeting, parties, actor=secretariat)

    event = meetings[EVENT_2023]
    named = list(Organisation.objects.filter(name__in=ARTICLE_ENTERPRISES).order_by("name"))
    for invitation in invite(
        seeder, event, named + illustrative_enterprises(seeder), actor=secretariat
    ):
        liaison = Person.objects.filter(
            organisation=invitation.organisation, is_liaison=True
        ).first()
        name = liaison.name if liaison else f"{invitation.organisation.name[:-4]}代表"
        services.record_rsvp(
            invitation,
            status="accepted",
            attendees=[{"name": name, "title": "董事长（示例）" if not liaison else liaison.title}],
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
        )

    joint = meetings[JOINT_2026]
    invitees = [
        *audience.parties(joint.partnership),
        *audience.association_members(joint.partnership).order_by("name"),
        *Organisation.objects.filter(
            name__in=["高昌区人民政府", "鄯善县人民政府", "托克逊县人民政府"]
        ).order_by("name"),
    ]
    for invitation in invite(seeder, joint, invitees, actor=secretariat):
        answer = ANSWERS_2026.get(invitation.organisation.name)
        if answer is None:
            continue  # not answered yet (the demo member's organisation among them)
        status, attendees, delegate, note = answer
        services.record_rsvp(
            invitation,
            status=status,
            attendees=attendees,
            delegate=delegate,
            note=note,
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
        )
