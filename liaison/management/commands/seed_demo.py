"""Load the demo cooperation of the source article: ``python manage.py seed_demo``.

Loads the Hunan Federation of Industry and Commerce – Turpan cooperation as the article
(``/work/shared/seed/source-article.zh.txt``) reports it: regions, industry sectors, the
organisations and people it names, the partnership with its two mechanisms (the annual joint
meeting and the biennial event with its five focus areas), the meetings, the mutual-aid
association with its members, and one demo user per role with a known password.

Idempotent: every row is looked up by its natural key (a region's division code, an
organisation's name, a person's organisation and name …) and written only when it is missing or
differs from the data below, so a second run changes nothing and writes no audit entry. Writes
go through ``liaison.services.save_object`` (``meetings.services.save_meeting`` for meetings):
validated with ``full_clean()`` and recorded in the audit trail with the note "seed_demo".

Everything the article does not state (exact dates, venues, liaison people, the association's
members and roles, the later meetings) is marked illustrative (``is_illustrative``, shown as 示例)
and the descriptions say which parts are illustrative.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agreements.demo import seed_agreements
from liaison.models import (
    Association,
    FocusArea,
    Mechanism,
    Membership,
    Organisation,
    Partnership,
    Person,
    Region,
    Sector,
    User,
)
from liaison.services import save_object
from meetings.demo import seed_invitations
from meetings.minutes_demo import seed_minutes
from meetings.models import Meeting
from meetings.services import LIFECYCLE_FIELDS, save_meeting

NOTE = "seed_demo"
BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_PASSWORD = "demo12345"

# --- Regions: (GB/T 2260 code, name, level, parent's code) -- parents before children ---------

REGIONS = (
    ("430000", "湖南省", Region.Level.PROVINCE, None),
    ("430100", "长沙市", Region.Level.PREFECTURE, "430000"),
    ("430200", "株洲市", Region.Level.PREFECTURE, "430000"),
    ("430400", "衡阳市", Region.Level.PREFECTURE, "430000"),
    ("430700", "常德市", Region.Level.PREFECTURE, "430000"),
    ("431000", "郴州市", Region.Level.PREFECTURE, "430000"),
    ("431021", "桂阳县", Region.Level.COUNTY, "431000"),
    ("431100", "永州市", Region.Level.PREFECTURE, "430000"),
    ("650000", "新疆维吾尔自治区", Region.Level.PROVINCE, None),
    ("650400", "吐鲁番市", Region.Level.PREFECTURE, "650000"),
    ("650402", "高昌区", Region.Level.COUNTY, "650400"),
    ("650421", "鄯善县", Region.Level.COUNTY, "650400"),
    ("650422", "托克逊县", Region.Level.COUNTY, "650400"),
)

# --- Industry sectors: (name, English name); position is the order here ----------------------

SECTORS = (
    ("现代农业", "Modern agriculture"),
    ("智能智造", "Intelligent manufacturing"),
    ("生物医药", "Biomedicine"),
    ("食品加工", "Food processing"),
    ("文旅康养", "Culture, tourism and wellness"),
    ("能源化工", "Energy and chemicals"),
    ("商贸流通", "Trade and distribution"),
    ("电子商务", "E-commerce"),
)

# --- Organisations ----------------------------------------------------------------------------
# Region by division code, sector by name; both only where the article (or the name) supports
# them. No unified social credit codes: the article gives none, and none are invented.

FEDERATION = "湖南省工商业联合会"
TURPAN = "吐鲁番市人民政府"
ILLUSTRATIVE = "（示例数据：文章未提及该单位，名称及全部信息均为示例。）"

K = Organisation.Kind

ORGANISATIONS = (
    {
        "name": FEDERATION,
        "short_name": "湖南省工商联",
        "name_en": "Hunan Provincial Federation of Industry and Commerce",
        "kind": K.FEDERATION,
        "region": "430000",
        "description": "与吐鲁番市人民政府签署《民营企业进边疆行动战略合作协议》，"
        "组织湖南民营企业参与“民营企业进边疆”行动。",
    },
    {
        "name": TURPAN,
        "name_en": "Turpan Municipal People's Government",
        "kind": K.GOVERNMENT,
        "region": "650400",
        "description": "与湖南省工商联签署《民营企业进边疆行动战略合作协议》。"
        "吐鲁番市是湖南省对口支援地区。",
    },
    {
        "name": "高昌区人民政府",
        "name_en": "Gaochang District People's Government",
        "kind": K.GOVERNMENT,
        "region": "650402",
        "description": "在2023年活动上与湖南省相关企业签订项目合作协议，签约78.75亿元。",
    },
    {
        "name": "鄯善县人民政府",
        "name_en": "Shanshan County People's Government",
        "kind": K.GOVERNMENT,
        "region": "650421",
        "description": "在2023年活动上与湖南省相关企业签订项目合作协议，签约91.95亿元。",
    },
    {
        "name": "托克逊县人民政府",
        "name_en": "Toksun County People's Government",
        "kind": K.GOVERNMENT,
        "region": "650422",
        "description": "在2023年活动上与湖南省相关企业签订项目合作协议，签约73.38亿元。",
    },
    {
        "name": "常德经济技术开发区",
        "short_name": "常德经开区",
        "name_en": "Changde Economic and Technological Development Zone",
        "kind": K.PARK,
        "region": "430700",
        "description": "与吐鲁番经开区签订战略合作协议。",
    },
    {
        "name": "吐鲁番经济技术开发区",
        "short_name": "吐鲁番经开区",
        "name_en": "Turpan Economic and Technological Development Zone",
        "kind": K.PARK,
        "region": "650400",
        "description": "与常德经开区签订战略合作协议；郴州桂阳朝天龙椒辣业食品有限公司、"
        "株洲市锦泓食品有限公司与其达成投资意向。",
    },
    {
        "name": "永州经济技术开发区",
        "short_name": "永州经开区",
        "name_en": "Yongzhou Economic and Technological Development Zone",
        "kind": K.PARK,
        "region": "431100",
        "description": "与鄯善工业园区、托克逊能源重化工工业园区签订战略合作协议。",
    },
    {
        "name": "鄯善工业园区",
        "name_en": "Shanshan Industrial Park",
        "kind": K.PARK,
        "region": "650421",
        "description": "与永州经开区签订战略合作协议。",
    },
    {
        "name": "托克逊能源重化工工业园区",
        "name_en": "Toksun Energy and Heavy Chemical Industry Park",
        "kind": K.PARK,
        "region": "650422",
        "sector": "能源化工",
        "description": "与永州经开区签订战略合作协议。",
    },
    {
        "name": "湖南湘江新区",
        "name_en": "Hunan Xiangjiang New Area",
        "kind": K.PARK,
        "region": "430100",
        "description": "新区4家企业与吐鲁番相关企业在农副产品销售、直播运营、"
        "矿卡无人驾驶技术等领域达成合作。",
    },
    {
        "name": "湖南省援疆前方指挥部",
        "name_en": "Hunan Provincial Front Headquarters for Aiding Xinjiang",
        "kind": K.OTHER,
        "description": "累计协调组织20多家企业和单位赴吐鲁番市考察对接，"
        "组织吐鲁番40多名园区、企业负责人赴湘对接考察。",
    },
    {
        "name": "湖南衡岳中药饮片有限公司",
        "kind": K.ENTERPRISE,
        "region": "430000",
        "sector": "生物医药",
        "description": "在鄯善县农副产品电商产业园的“疆品入湘工作联络站”达成20吨肉苁蓉、"
        "10吨黑桑葚的购销协议。",
    },
    {
        "name": "湖南兴盛优选电子商务有限公司",
        "kind": K.ENTERPRISE,
        "region": "430000",
        "sector": "电子商务",
        "description": "将高昌区葡萄镇布拉克村“福兮康”富硒无籽白葡萄上架电商平台：上线10天"
        "累计销售约300吨、销售额超过300万元，力争年销售额超1亿元。",
    },
    {
        "name": "郴州桂阳朝天龙椒辣业食品有限公司",
        "kind": K.ENTERPRISE,
        "region": "431021",
        "sector": "食品加工",
        "description": "与吐鲁番经开区达成投资意向。",
    },
    {
        "name": "株洲市锦泓食品有限公司",
        "kind": K.ENTERPRISE,
        "region": "430200",
        "sector": "食品加工",
        "description": "与吐鲁番经开区达成投资意向。",
    },
    {
        "name": "湖南竞网集团",
        "kind": K.ENTERPRISE,
        "region": "430000",
        "description": "在衡阳市设立首家“疆品入湘”新疆特产专卖店（湖南疆漠漠商业连锁有限公司）。",
    },
    {
        "name": "湖南疆漠漠商业连锁有限公司",
        "kind": K.ENTERPRISE,
        "region": "430400",
        "sector": "商贸流通",
        "description": "湖南竞网集团在衡阳市设立的首家“疆品入湘”新疆特产专卖店，"
        "运营两个月共销售新疆特色产品50多万元。",
    },
    {
        "name": "湖南五江集团",
        "kind": K.ENTERPRISE,
        "region": "430000",
        "description": "中国民企500强企业，在疆投资上百亿元。",
    },
    # Turpan-side members of the association: the article names none, so these two are
    # illustrative and say so in their names.
    {
        "name": "高昌区示例葡萄干加工有限公司（示例）",
        "kind": K.ENTERPRISE,
        "region": "650402",
        "sector": "食品加工",
        "description": ILLUSTRATIVE,
        "is_illustrative": True,
    },
    {
        "name": "鄯善县示例农产品电商有限公司（示例）",
        "kind": K.ENTERPRISE,
        "region": "650421",
        "sector": "电子商务",
        "description": ILLUSTRATIVE,
        "is_illustrative": True,
    },
)

# --- People -----------------------------------------------------------------------------------
# (organisation, name, title): the people the article names.

NAMED_PEOPLE = (
    (FEDERATION, "刘事青", "湖南省委统战部副部长、省工商联党组书记"),
    (FEDERATION, "张健", "湖南省政协副主席、省工商联主席"),
    ("湖南疆漠漠商业连锁有限公司", "刘翔", "总经理"),
)

# (organisation, name, title, phone, e-mail): one made-up liaison person (联络员) per party and
# member enterprise. Illustrative: names, phone numbers and addresses are invented.
LIAISONS = (
    (FEDERATION, "彭晓岚", "联络处副处长", "0731-82100101", "peng.xiaolan@example.cn"),
    (TURPAN, "艾力·买买提", "市政府办公室联络员", "0995-8500101", "aili.maimaiti@example.cn"),
    ("湖南衡岳中药饮片有限公司", "谭雅琴", "销售部经理", "13900000201", "tan.yaqin@example.cn"),
    (
        "湖南兴盛优选电子商务有限公司",
        "易志鹏",
        "政企合作部主管",
        "13900000202",
        "yi.zhipeng@example.cn",
    ),
    (
        "郴州桂阳朝天龙椒辣业食品有限公司",
        "雷春华",
        "办公室主任",
        "13900000203",
        "lei.chunhua@example.cn",
    ),
    ("株洲市锦泓食品有限公司", "曾凡宇", "市场部经理", "13900000204", "zeng.fanyu@example.cn"),
    ("湖南竞网集团", "龙慧", "品牌部主管", "13900000205", "long.hui@example.cn"),
    ("湖南疆漠漠商业连锁有限公司", "贺晓东", "运营主管", "13900000206", "he.xiaodong@example.cn"),
    ("湖南五江集团", "罗建平", "投资发展部经理", "13900000207", "luo.jianping@example.cn"),
    (
        "高昌区示例葡萄干加工有限公司（示例）",
        "阿依古丽·吐尔逊",
        "办公室主任",
        "0995-8500201",
        "ayiguli@example.cn",
    ),
    (
        "鄯善县示例农产品电商有限公司（示例）",
        "王磊",
        "运营经理",
        "0995-8500202",
        "wang.lei@example.cn",
    ),
)

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

# --- Demo users -------------------------------------------------------------------------------

# (user name, role, full name, organisation, is_staff). The secretariat role opens the back
# office by itself (User.has_perm); is_staff keeps Django's own admin templates happy. A member
# user is its organisation's liaison person's account.
USERS = (
    ("secretariat", User.Role.SECRETARIAT, "秘书处（演示）", None, True),
    ("official", User.Role.OFFICIAL, "领导（演示）", None, False),
    ("member", User.Role.MEMBER, "易志鹏", "湖南兴盛优选电子商务有限公司", False),
    ("member2", User.Role.MEMBER, "谭雅琴", "湖南衡岳中药饮片有限公司", False),
)


def beijing(day: date, hour: int, minute: int) -> datetime:
    """A Beijing-time moment, as UTC (how it is stored, so comparisons and the audit agree)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


def differs(obj, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (None if value is None else value.pk)
    return getattr(obj, name) != value


class Seeder:
    """Creates or updates rows by natural key, only when something differs, and counts them."""

    def __init__(self):
        self.created = self.updated = self.unchanged = 0

    def upsert(self, model, lookup: dict, values: dict, *, create_only=None, on_create=None):
        """The ``model`` row matching ``lookup``, created or brought in line with ``values``.

        ``create_only`` values are set on creation only (such as a meeting's status, which the
        secretariat may move on); ``on_create`` prepares a new object before it is saved."""
        save = save_meeting if model is Meeting else save_object
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            if on_create:
                on_create(obj)
            save(obj, actor=None, note=NOTE)
            self.created += 1
            return obj
        changed = {name: value for name, value in values.items() if differs(obj, name, value)}
        if model is Meeting:
            # A meeting's time and place are the demo's when it is created; afterwards they
            # change only through the lifecycle actions, which tell the invitees.
            changed = {k: v for k, v in changed.items() if k not in LIFECYCLE_FIELDS}
        if not changed:
            self.unchanged += 1
            return obj
        for name, value in changed.items():
            setattr(obj, name, value)
        save(obj, actor=None, note=NOTE)
        self.updated += 1
        return obj

    def regions(self) -> dict[str, Region]:
        by_code: dict[str, Region] = {}
        for code, name, level, parent in REGIONS:
            # Keyed on parent and name (always there and unique); the code may be blank.
            by_code[code] = self.upsert(
                Region,
                {"parent": by_code.get(parent), "name": name},
                {"code": code, "level": level},
            )
        return by_code

    def sectors(self) -> dict[str, Sector]:
        return {
            name: self.upsert(Sector, {"name": name}, {"name_en": name_en, "position": position})
            for position, (name, name_en) in enumerate(SECTORS, start=1)
        }

    def organisations(self, regions, sectors) -> dict[str, Organisation]:
        found = {}
        for data in ORGANISATIONS:
            values = {
                "short_name": data.get("short_name", ""),
                "name_en": data.get("name_en", ""),
                "kind": data["kind"],
                "region": regions.get(data.get("region")),
                "sector": sectors.get(data.get("sector")),
                "description": data.get("description", ""),
                "is_illustrative": data.get("is_illustrative", False),
            }
            found[data["name"]] = self.upsert(Organisation, {"name": data["name"]}, values)
        return found

    def people(self, orgs) -> dict[str, Person]:
        """The named people, and the liaison people by organisation name."""
        for org, name, title in NAMED_PEOPLE:
            self.upsert(
                Person,
                {"organisation": orgs[org], "name": name},
                {"title": title, "is_liaison": False, "is_illustrative": False},
            )
        liaisons = {}
        for org, name, title, phone, email in LIAISONS:
            other = (
                Person.objects.filter(organisation=orgs[org], is_liaison=True)
                .exclude(name=name)
                .first()
            )
            if other is not None:
                # The secretariat has named a real liaison person: keep theirs.
                liaisons[org] = other
                self.unchanged += 1
                continue
            liaisons[org] = self.upsert(
                Person,
                {"organisation": orgs[org], "name": name},
                {
                    "title": title,
                    "phone": phone,
                    "email": email,
                    "is_liaison": True,
                    "is_illustrative": True,
                },
            )
        return liaisons

    def partnership(self, orgs) -> Partnership:
        values = {key: value for key, value in PARTNERSHIP.items() if key != "name"}
        values.update(party_a=orgs[FEDERATION], party_b=orgs[TURPAN])
        return self.upsert(Partnership, {"name": PARTNERSHIP["name"]}, values)

    def mechanisms(self, partnership) -> dict[str, Mechanism]:
        found = {}
        for data in MECHANISMS:
            values = {key: value for key, value in data.items() if key != "name"}
            found[data["name"]] = self.upsert(
                Mechanism, {"partnership": partnership, "name": data["name"]}, values
            )
        for position, name in enumerate(EVENT_FOCUS_AREAS, start=1):
            self.upsert(
                FocusArea, {"mechanism": found[EVENT], "name": name}, {"position": position}
            )
        return found

    def meetings(self, partnership, mechanisms) -> None:
        for data in MEETINGS:
            (start_h, start_m), (end_h, end_m) = data["hours"]
            self.upsert(
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

    def association(self, partnership, orgs, liaisons) -> Association:
        values = {key: value for key, value in ASSOCIATION.items() if key != "name"}
        association = self.upsert(
            Association, {"name": ASSOCIATION["name"]}, {"partnership": partnership, **values}
        )
        for org, role, joined_on in MEMBERSHIPS:
            self.upsert(
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

    def users(self, orgs, liaisons, password: str) -> list[User]:
        users = []
        for username, role, name, org, is_staff in USERS:
            user = self.upsert(
                User,
                {"username": username},
                {
                    "role": role,
                    "name": name,
                    "organisation": orgs.get(org),
                    "is_staff": is_staff,
                    "is_superuser": False,
                    "is_active": True,
                },
                on_create=lambda new: new.set_password(password),
            )
            if not user.check_password(password):
                # The password is not audited; it is (re)set whenever it differs.
                user.set_password(password)
                user.save(update_fields=["password"])
            if org:
                # The member user is its organisation's liaison person's account.
                self.upsert(Person, {"pk": liaisons[org].pk}, {"user": user})
            users.append(user)
        return users


class Command(BaseCommand):
    help = (
        "Load the demo Hunan–Turpan cooperation of the source article and one demo user per "
        "role (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo users get a known password).",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options["force"]):
            raise CommandError(
                "seed_demo creates users with a known password: run it with DEBUG=1, "
                "or pass --force."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        seeder = Seeder()
        with transaction.atomic():
            regions = seeder.regions()
            sectors = seeder.sectors()
            orgs = seeder.organisations(regions, sectors)
            liaisons = seeder.people(orgs)
            partnership = seeder.partnership(orgs)
            mechanisms = seeder.mechanisms(partnership)
            seeder.meetings(partnership, mechanisms)
            seeder.association(partnership, orgs, liaisons)
            seed_agreements(seeder)
            users = seeder.users(orgs, liaisons, password)
            seed_invitations(seeder)
            users += seed_minutes(seeder, password)

        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪 / demo data ready: {seeder.created} created, "
                f"{seeder.updated} updated, {seeder.unchanged} unchanged."
            )
        )
        self.stdout.write(f"\n演示账号 / demo users at {settings.SITE_URL}\n")
        rows = [("role", "user name", "password", "organisation")]
        rows += [
            (user.role, user.username, password, str(user.organisation or "")) for user in users
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for role, username, pw, org in rows:
            self.stdout.write(
                f"  {role:<{widths[0]}}  {username:<{widths[1]}}  {pw:<{widths[2]}}  {org}".rstrip()
            )
