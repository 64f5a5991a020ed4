"""The demo agreements of the source article, loaded by ``manage.py seed_demo``.

What the article states is exact: the strategic cooperation agreement, 33 project agreements
signed at the 2023 event totalling 246.18 亿元 (高昌区 78.75, 鄯善县 91.95, 托克逊县 73.38,
市直单位 2.10), the 衡岳 purchase agreement (肉苁蓉 20 吨, 黑桑葚 10 吨), the three park-to-park
agreements and the two investment intentions. Everything else is illustrative and marked so
(``is_illustrative``, names and titles ending in （示例））: each project's title, amount, sector and
Hunan counterparty, the signing dates, the projects' progress and their progress reports.

Idempotent like the rest of ``seed_demo``: agreements are keyed on their title; a project's
lifecycle and reports are written only when the agreement is created, so what the secretariat
records afterwards is kept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.management.base import CommandError

from agreements import services
from agreements.models import Agreement, AgreementParty, SigningUnit
from demo.partnership import PARTNERSHIP
from demo.seeder import Seeder
from liaison.models import Organisation, Partnership, Region, Sector
from liaison.money import YI
from meetings.models import Meeting

NOTE = "seed_demo"
EVENT_2023 = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"
EVENT_DAY = date(2023, 12, 20)  # the event's day is illustrative (see demo.meetings.MEETINGS)
FEDERATION = "湖南省工商业联合会"
TURPAN = "吐鲁番市人民政府"
CITY_UNIT = "吐鲁番市市直相关单位（示例）"

A, B = AgreementParty.Role.A, AgreementParty.Role.B
K = Agreement.Kind
S = Agreement.Status

# Signing unit: (its organisation, the article's total in 亿元, illustrative amounts in 亿元 of
# its projects, which add up exactly to the total).
PROJECTS = (
    (
        "高昌区",
        "高昌区人民政府",
        "78.75",
        ("12.50", "10.00", "9.80", "8.60", "8.25", "7.50", "6.80", "6.00", "5.30", "4.00"),
    ),
    (
        "鄯善县",
        "鄯善县人民政府",
        "91.95",
        (
            "15.00",
            "12.80",
            "11.50",
            "10.20",
            "9.00",
            "8.45",
            "7.60",
            "6.40",
            "5.00",
            "3.50",
            "2.50",
        ),
    ),
    (
        "托克逊县",
        "托克逊县人民政府",
        "73.38",
        ("14.00", "11.20", "9.60", "8.18", "7.50", "6.40", "5.80", "4.70", "3.50", "2.50"),
    ),
    ("市直单位", None, "2.10", ("1.30", "0.80")),
)
PROJECT_SECTORS = ("现代农业", "智能智造", "生物医药", "食品加工", "文旅康养")
PROJECT_COUNT, PROJECT_TOTAL = 33, Decimal("24618000000.00")

# Illustrative Hunan counterparties of the project agreements: two per sector.
COUNTERPARTY_PREFIXES = ("湖南湘吐", "湖南芙蓉")


# Projects whose Hunan party is an enterprise the article names, so that the demo member user
# (湖南兴盛优选电子商务有限公司, which sells 高昌区's grapes) has agreements of its own: one landed,
# one under construction for which it can report progress. The pairing itself is illustrative.
NAMED_COUNTERPARTIES = {1: "湖南兴盛优选电子商务有限公司", 4: "湖南兴盛优选电子商务有限公司"}


def counterparty_name(sector: str, number: int) -> str:
    return f"{COUNTERPARTY_PREFIXES[number % 2]}{sector}发展有限公司（示例）"


def project_title(unit: str, sector: str, number: int) -> str:
    return f"{unit}{sector}合作项目{number:02d}（示例）"


# Illustrative progress of some projects, by project number (1–33): the status reached, the
# funds in place as a share of the amount, and the percent complete of the approved report.
PROGRESS = {
    1: (S.COMPLETED, Decimal("1.00"), 100),
    2: (S.IN_OPERATION, Decimal("0.80"), 90),
    3: (S.IN_OPERATION, Decimal("0.65"), 85),
    4: (S.UNDER_CONSTRUCTION, Decimal("0.40"), 50),
    12: (S.IN_OPERATION, Decimal("0.70"), 90),
    13: (S.UNDER_CONSTRUCTION, Decimal("0.30"), 40),
    14: (S.STALLED, Decimal("0.10"), 15),
    22: (S.IN_OPERATION, Decimal("0.60"), 80),
    23: (S.UNDER_CONSTRUCTION, Decimal("0.35"), 45),
    24: (S.UNDER_CONSTRUCTION, Decimal("0.20"), 25),
    32: (S.IN_OPERATION, Decimal("0.50"), 70),
}
# The dated steps that lead to each status (all illustrative).
PATHS = {
    S.UNDER_CONSTRUCTION: ((S.UNDER_CONSTRUCTION, date(2024, 3, 1)),),
    S.IN_OPERATION: (
        (S.UNDER_CONSTRUCTION, date(2024, 3, 1)),
        (S.IN_OPERATION, date(2024, 11, 1)),
    ),
    S.COMPLETED: (
        (S.UNDER_CONSTRUCTION, date(2024, 3, 1)),
        (S.IN_OPERATION, date(2024, 9, 1)),
        (S.COMPLETED, date(2025, 6, 30)),
    ),
    S.STALLED: (
        (S.UNDER_CONSTRUCTION, date(2024, 3, 1)),
        (S.STALLED, date(2024, 8, 15)),
    ),
}
STALLED_REASON = "土地手续未办结，项目暂缓推进（示例）。"
REPORT_PERIOD = (date(2025, 1, 1), date(2025, 6, 30))

ARTICLE_NOTE = "（示例数据说明：协议见报道；签约日期为示例。）"

# The agreements the article names, besides the 33 projects.
OTHER_AGREEMENTS = (
    {
        "title": "民营企业进边疆行动战略合作协议",
        "kind": K.STRATEGIC,
        "meeting": EVENT_2023,
        "signed_on": EVENT_DAY,
        "parties": ((A, TURPAN), (B, FEDERATION)),
        "description": "吐鲁番市人民政府与湖南省工商联签署。双方建立联席会议制度，每年召开一次"
        "联席会议；每两年举办一次“湖南民营企业进边疆·吐鲁番行”活动；设立湘吐两地民营企业"
        "互助联谊会。" + ARTICLE_NOTE,
    },
    {
        "title": "湖南衡岳中药饮片有限公司肉苁蓉、黑桑葚购销协议",
        "kind": K.PURCHASE,
        "sector": "生物医药",
        "signed_on": date(2024, 1, 15),
        "parties": ((A, "湖南衡岳中药饮片有限公司"), (B, "鄯善县示例农产品电商有限公司（示例）")),
        "goods": (("肉苁蓉", "20", "吨"), ("黑桑葚", "10", "吨")),
        "description": "在鄯善县农副产品电商产业园的“疆品入湘工作联络站”达成。"
        "（示例数据说明：报道未写明供货方与签约日期，乙方与日期为示例。）",
    },
    {
        "title": "常德经开区与吐鲁番经开区战略合作协议",
        "kind": K.PARK,
        "meeting": EVENT_2023,
        "signed_on": EVENT_DAY,
        "parties": ((A, "吐鲁番经济技术开发区"), (B, "常德经济技术开发区")),
        "description": "园区对园区战略合作。" + ARTICLE_NOTE,
    },
    {
        "title": "永州经开区与鄯善工业园区战略合作协议",
        "kind": K.PARK,
        "meeting": EVENT_2023,
        "signed_on": EVENT_DAY,
        "parties": ((A, "鄯善工业园区"), (B, "永州经济技术开发区")),
        "description": "园区对园区战略合作。" + ARTICLE_NOTE,
    },
    {
        "title": "永州经开区与托克逊能源重化工工业园区战略合作协议",
        "kind": K.PARK,
        "meeting": EVENT_2023,
        "signed_on": EVENT_DAY,
        "parties": ((A, "托克逊能源重化工工业园区"), (B, "永州经济技术开发区")),
        "description": "园区对园区战略合作。" + ARTICLE_NOTE,
    },
    {
        "title": "郴州桂阳朝天龙椒辣业食品有限公司与吐鲁番经开区投资意向",
        "kind": K.INTENTION,
        "sector": "食品加工",
        "signed_on": date(2024, 1, 10),
        "parties": ((A, "吐鲁番经济技术开发区"), (B, "郴州桂阳朝天龙椒辣业食品有限公司")),
        "description": "湖南省援疆前方指挥部推动达成。" + ARTICLE_NOTE,
    },
    {
        "title": "株洲市锦泓食品有限公司与吐鲁番经开区投资意向",
        "kind": K.INTENTION,
        "sector": "食品加工",
        "signed_on": date(2024, 1, 10),
        "parties": ((A, "吐鲁番经济技术开发区"), (B, "株洲市锦泓食品有限公司")),
        "description": "湖南省援疆前方指挥部推动达成。" + ARTICLE_NOTE,
    },
)


def check_project_amounts() -> None:
    """The illustrative amounts must add up to the article's figures, exactly."""
    count = sum(len(amounts) for *_, amounts in PROJECTS)
    total = Decimal(0)
    for unit, _org, unit_total, amounts in PROJECTS:
        if sum(Decimal(a) for a in amounts) != Decimal(unit_total):
            raise CommandError(f"{unit}: the project amounts do not add up to {unit_total} 亿元")
        total += Decimal(unit_total) * YI
    if count != PROJECT_COUNT or total != PROJECT_TOTAL:
        raise CommandError("The project agreements do not match the article's 33 / 246.18 亿元.")


def seed_agreements(seeder=None):
    """Load the demo agreements; ``seeder`` is the loader's ``Seeder`` (its counters are
    shared), or None to make one."""
    check_project_amounts()
    seeder = seeder or Seeder()
    partnership = Partnership.objects.get(name=PARTNERSHIP["name"])
    event = Meeting.objects.get(partnership=partnership, title=EVENT_2023)
    sectors = {sector.name: sector for sector in Sector.objects.all()}

    def organisation(name: str) -> Organisation:
        return Organisation.objects.get(name=name)

    city_unit = seeder.upsert(
        Organisation,
        {"name": CITY_UNIT},
        {
            "kind": Organisation.Kind.CITY_UNIT,
            "region": Region.objects.get(code="650400"),
            "description": "代表与湖南省相关企业签订项目合作协议的吐鲁番市直相关单位。"
            "（示例数据：报道未列出具体单位。）",
            "is_illustrative": True,
        },
    )

    def agreement(title: str, values: dict, parties, goods=()) -> tuple[Agreement, bool]:
        created = not Agreement.objects.filter(title=title).exists()
        obj = seeder.upsert(Agreement, {"title": title}, {"partnership": partnership, **values})
        changed = services.set_agreement_parties(
            obj,
            [{"role": role, "organisation": org} for role, org in parties],
            actor=None,
            note=NOTE,
        )
        if goods:
            changed = (
                services.set_goods_lines(
                    obj,
                    [{"commodity": c, "quantity": q, "unit": u} for c, q, u in goods],
                    actor=None,
                    note=NOTE,
                )
                or changed
            )
        if changed and not created:
            seeder.updated += 1
        return obj, created

    for data in OTHER_AGREEMENTS:
        agreement(
            data["title"],
            {
                "kind": data["kind"],
                "signed_at_meeting": event if data.get("meeting") else None,
                "signed_on": data["signed_on"],
                "signing_unit": None,
                "sector": sectors.get(data.get("sector")),
                "amount": None,
                "description": data["description"],
                "is_illustrative": False,
            },
            [(role, organisation(name)) for role, name in data["parties"]],
            data.get("goods", ()),
        )

    number = 0
    for position, (unit_name, unit_org, _total, amounts) in enumerate(PROJECTS, start=1):
        unit = seeder.upsert(
            SigningUnit,
            {"name": unit_name},
            {"position": position, "organisation": organisation(unit_org) if unit_org else None},
        )
        turpan_party = unit.organisation or city_unit
        for amount in amounts:
            number += 1
            sector = PROJECT_SECTORS[(number - 1) % len(PROJECT_SECTORS)]
            if number in NAMED_COUNTERPARTIES:
                counterparty = organisation(NAMED_COUNTERPARTIES[number])
            else:
                counterparty = seeder.upsert(
                    Organisation,
                    {"name": counterparty_name(sector, number)},
                    {
                        "kind": Organisation.Kind.ENTERPRISE,
                        "region": Region.objects.get(code="430000"),
                        "sector": sectors[sector],
                        "description": "（示例数据：报道未列出签约企业，名称及全部信息均为示例。）",
                        "is_illustrative": True,
                    },
                )
            obj, created = agreement(
                project_title(unit_name, sector, number),
                {
                    "kind": K.PROJECT,
                    "signed_at_meeting": event,
                    "signed_on": EVENT_DAY,
                    "signing_unit": unit,
                    "sector": sectors[sector],
                    "amount": Decimal(amount) * YI,
                    "description": f"{unit_name}与湖南省相关企业签订的项目合作协议。"
                    "（示例数据：项目名称、金额、产业和签约企业为示例；"
                    "各签约单位合计与报道一致。）",
                    "is_illustrative": True,
                },
                [(A, turpan_party), (B, counterparty)],
            )
            if created and number in PROGRESS:
                _progress(obj, *PROGRESS[number])
    return seeder


def _progress(agreement: Agreement, status: str, funds_share: Decimal, percent: int) -> None:
    """An illustrative lifecycle and one approved progress report."""
    for step, on in PATHS[status]:
        services.change_agreement_status(
            agreement,
            to=step,
            actor=None,
            on=on,
            reason=STALLED_REASON if step == S.STALLED else "",
        )
    report = services.submit_progress_report(
        agreement,
        actor=None,
        period_start=REPORT_PERIOD[0],
        period_end=REPORT_PERIOD[1],
        funds_in_place=(agreement.amount * funds_share).quantize(Decimal("0.01")),
        percent_complete=percent,
        milestone="主体工程完工（示例）" if percent >= 80 else "开工建设（示例）",
        narrative="（示例数据：进度报告为示例。）",
    )
    services.approve_progress_report(report, actor=None, comment="（示例）")
