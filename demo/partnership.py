"""The demo partnership: the Federation–Turpan cooperation, its two mechanisms (the annual joint
meeting and the biennial event with its five focus areas) and the mutual-aid association."""

from __future__ import annotations

from datetime import date

from demo.directory import FEDERATION, TURPAN
from liaison.models import Association, FocusArea, Mechanism, Membership, Partnership

# --- The partnership and its mechanisms -------------------------------------------------------

PARTNERSHIP = {
    "name": "湖南省工商联—吐鲁番市人民政府合作",
    "started_on": date(2023, 12, 1),
    "status": Partnership.Status.ACTIVE,
    "description": (
        "吐鲁番市人民政府与湖南省工商联签署《民营企业进边疆行动战略合作协议》，构建合作共赢的"
        "长效机制：建立联席会议制度，每年召开一次联席会议，研究解决双方合作中的重要工作重大事项；"
        "建立常态化工作机制，每两年举办一次“湖南民营企业进边疆·吐鲁番行”活动；设立湘吐两地民营"
        "企业互助联谊会，加强两地民营企业在技术、设备、人员、商品贸易和相关行业信息等方面的交流、"
        "互助、合作。\n"
        "（示例数据说明：报道只给出协议签署的年份2023年，起始日期2023-12-01为示例。）"
    ),
}

JOINT_MEETING = "湘吐联席会议"
EVENT = "湖南民营企业进边疆·吐鲁番行"

MECHANISMS = (
    {
        "name": JOINT_MEETING,
        "kind": Mechanism.Kind.JOINT_MEETING,
        "rrule": "FREQ=YEARLY",
        "first_date": date(2024, 6, 15),
        "description": (
            "双方明确建立联席会议制度，每年召开一次联席会议，研究解决双方合作中的重要工作重大事项。\n"
            "（示例数据说明：文章只说明每年召开一次；首次日期2024-06-15中的月、日为示例。）"
        ),
    },
    {
        "name": EVENT,
        "kind": Mechanism.Kind.EVENT,
        "rrule": "FREQ=YEARLY;INTERVAL=2",
        "first_date": date(2023, 12, 20),
        "description": (
            "建立常态化工作机制，每两年举办一次“湖南民营企业进边疆·吐鲁番行”活动，以延链补链强链"
            "为重点，以项目合作为纽带，围绕五个方面深化拓展湘吐两地经贸交流合作。首届活动于2023年"
            "在吐鲁番市举办。\n"
            "（示例数据说明：文章只给出首届活动的年份；首次日期2023-12-20中的月、日为示例。）"
        ),
    },
)

EVENT_FOCUS_AREAS = (
    "搭建交流合作平台",
    "健全定期互访机制",
    "助推吐鲁番特色产业基地建设",
    "深化湘吐产品供销协作",
    "加大人才培训交流力度",
)

# --- The mutual-aid association ---------------------------------------------------------------

ASSOCIATION = {
    "name": "湘吐两地民营企业互助联谊会",
    "founded_on": date(2024, 1, 1),
    "description": (
        "湖南省工商联与吐鲁番市人民政府商定设立，加强两地民营企业在技术、设备、人员、商品贸易和"
        "相关行业信息等方面的交流、互助、合作。\n"
        "（示例数据说明：成立日期2024-01-01以及会员名单、会员职务和入会日期均为示例，"
        "文章未列出会员。）"
    ),
}

R = Membership.Role
# (organisation, role, joined on): all illustrative.
MEMBERSHIPS = (
    ("湖南五江集团", R.PRESIDENT, date(2024, 1, 1)),
    ("湖南兴盛优选电子商务有限公司", R.VICE_PRESIDENT, date(2024, 1, 1)),
    ("高昌区示例葡萄干加工有限公司（示例）", R.VICE_PRESIDENT, date(2024, 1, 1)),
    ("湖南衡岳中药饮片有限公司", R.COUNCIL, date(2024, 1, 1)),
    ("湖南竞网集团", R.COUNCIL, date(2024, 1, 1)),
    ("鄯善县示例农产品电商有限公司（示例）", R.COUNCIL, date(2024, 1, 1)),
    ("郴州桂阳朝天龙椒辣业食品有限公司", R.MEMBER, date(2024, 3, 18)),
    ("株洲市锦泓食品有限公司", R.MEMBER, date(2024, 3, 18)),
    ("湖南疆漠漠商业连锁有限公司", R.MEMBER, date(2024, 5, 20)),
)


def seed_partnership(seeder, orgs) -> Partnership:
    values = {key: value for key, value in PARTNERSHIP.items() if key != "name"}
    values.update(party_a=orgs[FEDERATION], party_b=orgs[TURPAN])
    return seeder.upsert(Partnership, {"name": PARTNERSHIP["name"]}, values)


def seed_mechanisms(seeder, partnership) -> dict[str, Mechanism]:
    found = {}
    for data in MECHANISMS:
        values = {key: value for key, value in data.items() if key != "name"}
        found[data["name"]] = seeder.upsert(
            Mechanism, {"partnership": partnership, "name": data["name"]}, values
        )
    for position, name in enumerate(EVENT_FOCUS_AREAS, start=1):
        seeder.upsert(FocusArea, {"mechanism": found[EVENT], "name": name}, {"position": position})
    return found


def seed_association(seeder, partnership, orgs, liaisons) -> Association:
    values = {key: value for key, value in ASSOCIATION.items() if key != "name"}
    association = seeder.upsert(
        Association, {"name": ASSOCIATION["name"]}, {"partnership": partnership, **values}
    )
    for org, role, joined_on in MEMBERSHIPS:
        seeder.upsert(
            Membership,
            {"association": association, "organisation": orgs[org]},
            {
                "role": role,
                "joined_on": joined_on,
                "status": Membership.Status.ACTIVE,
                "liaison": liaisons[org],
                "is_illustrative": True,
            },
        )
    return association
