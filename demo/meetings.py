"""The demo meetings: the 2023 and 2025 events and three joint meetings (Beijing time)."""

from __future__ import annotations

from datetime import date

from demo.partnership import EVENT, JOINT_MEETING
from demo.seeder import beijing
from meetings.models import Meeting

# --- Meetings: times are Beijing time ---------------------------------------------------------

ILLUSTRATIVE_JOINT = (
    "（示例数据：文章只说明每年召开一次联席会议；本次会议的日期、时间、地点和内容均为示例。）"
)

MEETINGS = (
    {
        "title": "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式",
        "mechanism": EVENT,
        "kind": Meeting.Kind.EVENT,
        "day": date(2023, 12, 20),
        "hours": ((9, 30), (12, 0)),
        "city": "吐鲁番市",
        "venue": "吐鲁番市会议中心（示例）",
        "status": Meeting.Status.HELD,
        "is_illustrative": False,
        "description": (
            "首届“湖南民营企业进边疆·吐鲁番行”活动，来自湖南省近百名民营企业家齐聚吐鲁番。吐鲁番市"
            "人民政府与湖南省工商联签署《民营企业进边疆行动战略合作协议》；各区县人民政府、市直相关"
            "单位分别与湖南省相关企业签订项目合作协议33个，签约总额246.18亿元，其中高昌区78.75亿元、"
            "鄯善县91.95亿元、托克逊县73.38亿元，市直单位2.1亿元。投资项目涉及现代农业、智能智造、"
            "生物医药、食品加工、文旅康养等产业。\n"
            "（示例数据说明：报道只说活动于2023年在吐鲁番市举行；具体日期和时间"
            "2023-12-20 09:30—12:00（北京时间）以及会场为示例。）"
        ),
    },
    {
        "title": "第一次联席会议",
        "mechanism": JOINT_MEETING,
        "kind": Meeting.Kind.JOINT_MEETING,
        "day": date(2024, 6, 14),
        "hours": ((9, 0), (11, 30)),
        "city": "长沙市",
        "venue": "湖南省工商联会议室（示例）",
        "status": Meeting.Status.HELD,
        "is_illustrative": True,
        "description": "研究“民营企业进边疆”行动签约项目的推进和联谊会的筹建。"
        + ILLUSTRATIVE_JOINT,
    },
    {
        "title": "第二次联席会议",
        "mechanism": JOINT_MEETING,
        "kind": Meeting.Kind.JOINT_MEETING,
        "day": date(2025, 6, 20),
        "hours": ((9, 30), (12, 0)),
        "city": "吐鲁番市",
        "venue": "吐鲁番市人民政府会议室（示例）",
        "status": Meeting.Status.HELD,
        "is_illustrative": True,
        "description": "通报上次会议议定事项的落实情况，筹备2025年“湖南民营企业进边疆·吐鲁番行”活动。"
        + ILLUSTRATIVE_JOINT,
    },
    {
        "title": "第三次联席会议",
        "mechanism": JOINT_MEETING,
        "kind": Meeting.Kind.JOINT_MEETING,
        "day": date(2026, 12, 18),
        "hours": ((9, 30), (12, 0)),
        "city": "长沙市",
        "venue": "湖南省工商联会议室（示例）",
        "status": Meeting.Status.SCHEDULED,
        "is_illustrative": True,
        "description": "听取签约项目落实落地和到位资金情况，研究下一年度合作重点。"
        + ILLUSTRATIVE_JOINT,
    },
    {
        "title": "2025湖南民营企业进边疆·吐鲁番行",
        "mechanism": EVENT,
        "kind": Meeting.Kind.EVENT,
        "day": date(2025, 11, 20),
        "hours": ((9, 30), (17, 0)),
        "city": "吐鲁番市",
        "venue": "吐鲁番市会议中心（示例）",
        "status": Meeting.Status.HELD,
        "is_illustrative": True,
        "description": "第二届“湖南民营企业进边疆·吐鲁番行”活动。\n"
        "（示例数据：文章只说明每两年举办一次；本届活动的日期、时间、地点和内容均为示例。）",
    },
)


def seed_meetings(seeder, partnership, mechanisms) -> None:
    for data in MEETINGS:
        (start_h, start_m), (end_h, end_m) = data["hours"]
        seeder.upsert(
            Meeting,
            {"partnership": partnership, "title": data["title"]},
            {
                "mechanism": mechanisms[data["mechanism"]],
                "kind": data["kind"],
                "start": beijing(data["day"], start_h, start_m),
                "end": beijing(data["day"], end_h, end_m),
                "city": data["city"],
                "venue": data["venue"],
                "description": data["description"],
                "is_illustrative": data["is_illustrative"],
            },
            # Later status changes (a scheduled meeting held) are the secretariat's to keep.
            create_only={"status": data["status"]},
        )
