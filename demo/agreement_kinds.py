"""Each kind of agreement of the demo on its own way to landing (``load_demo`` runs it after the
demo agreements).

The source article names the agreements: the 衡岳 purchase (肉苁蓉 20 吨, 黑桑葚 10 吨), the
park-to-park agreements of 永州经开区 with 鄯善工业园区 and with 托克逊能源重化工工业园区, and the
investment intentions of 郴州桂阳朝天龙椒辣业食品有限公司 and 株洲市锦泓食品有限公司 with 吐鲁番经开区.
What happened after signing is illustrative and marked （示例）: the purchase's two deliveries,
each park agreement's working mechanism and the project introduced under it (one of the 33
projects of the signing unit where the park lies), the negotiation notes, and the conversion of
the 朝天龙椒 intention into a new project agreement.

Idempotent like ``seed_demo``: each step is taken only while the agreement has not reached it,
so running it again changes nothing and what the secretariat records afterwards is kept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from agreements import kinds
from agreements.models import Agreement, Delivery, NegotiationNote

S = Agreement.Status

PURCHASE = "湖南衡岳中药饮片有限公司肉苁蓉、黑桑葚购销协议"
# (commodity, date, quantity in tonnes, amount in yuan): 12.500 of 20 吨 肉苁蓉 is 62.5 %.
DELIVERIES = (
    ("肉苁蓉", date(2024, 3, 15), Decimal("12.500"), Decimal("1875000.00")),
    ("黑桑葚", date(2024, 4, 20), Decimal("4.000"), Decimal("160000.00")),
)

# Park agreement: its working mechanism, and the title of the project introduced under it.
PARKS = {
    "永州经开区与鄯善工业园区战略合作协议": (
        {
            "our_contact": "鄯善工业园区管委会 招商科联络员（示例）",
            "their_contact": "永州经开区管委会 投资促进局联络员（示例）",
            "first_activity": "两园区产业链共建首次对接会（示例）",
            "first_activity_on": date(2024, 3, 20),
        },
        "鄯善县智能智造合作项目12（示例）",
        date(2024, 5, 10),
    ),
    "永州经开区与托克逊能源重化工工业园区战略合作协议": (
        {
            "our_contact": "托克逊能源重化工工业园区管委会联络员（示例）",
            "their_contact": "永州经开区管委会 园区合作办联络员（示例）",
            "first_activity": "能源化工产业招商平台共享座谈会（示例）",
            "first_activity_on": date(2024, 4, 8),
        },
        "托克逊县智能智造合作项目22（示例）",
        date(2024, 6, 18),
    ),
}

CONVERTED_INTENTION = "郴州桂阳朝天龙椒辣业食品有限公司与吐鲁番经开区投资意向"
CONVERTED_PROJECT = {
    "title": "郴州桂阳朝天龙椒辣业食品有限公司辣椒深加工项目（示例）",
    "amount": Decimal("30000000.00"),
    "on": date(2024, 9, 26),
    "description": "由投资意向转化签订的项目合作协议。（示例数据：项目名称、金额与日期为示例。）",
}
OPEN_INTENTION = "株洲市锦泓食品有限公司与吐鲁番经开区投资意向"
NEGOTIATIONS = {
    CONVERTED_INTENTION: (
        (date(2024, 3, 5), "企业赴吐鲁番经开区考察选址，初步确定辣椒深加工方向（示例）。"),
        (date(2024, 6, 12), "双方就用地、厂房与投资规模达成一致（示例）。"),
    ),
    OPEN_INTENTION: (
        (date(2024, 4, 16), "企业提交食品加工项目初步方案，双方洽谈用地条件（示例）。"),
    ),
}


def add_agreement_kinds(seeder=None) -> None:
    """Take the demo's per-kind steps; ``seeder`` is seed_demo's ``Seeder`` (its counters
    count what is created), or None."""
    _deliver(seeder)
    for title, (mechanism, project_title, introduced_on) in PARKS.items():
        _set_up_park(title, mechanism, project_title, introduced_on, seeder)
    for title, notes in NEGOTIATIONS.items():
        _negotiate(title, notes, seeder)
    _convert(seeder)


def _count(seeder, created: bool) -> None:
    if seeder is not None:
        if created:
            seeder.created += 1
        else:
            seeder.unchanged += 1


def _deliver(seeder) -> None:
    purchase = Agreement.objects.get(title=PURCHASE)
    for commodity, delivered_on, quantity, amount in DELIVERIES:
        line = purchase.goods_lines.get(commodity=commodity)
        exists = Delivery.objects.filter(goods_line=line, delivered_on=delivered_on).exists()
        if not exists:
            kinds.record_delivery(
                purchase,
                actor=None,
                goods_line=line,
                delivered_on=delivered_on,
                quantity=quantity,
                amount=amount,
            )
        _count(seeder, not exists)


def _set_up_park(title, mechanism, project_title, introduced_on, seeder) -> None:
    park = Agreement.objects.get(title=title)
    set_up = park.status == S.SIGNED
    if set_up:
        kinds.set_up_working_mechanism(park, actor=None, **mechanism)
    _count(seeder, set_up)
    project = Agreement.objects.get(title=project_title)
    introduce = park.status == S.MECHANISM_SET_UP and project.introduced_under_id is None
    if introduce:
        kinds.introduce_project(park, actor=None, project=project, on=introduced_on)
    _count(seeder, introduce)


def _negotiate(title, notes, seeder) -> None:
    intention = Agreement.objects.get(title=title)
    for noted_on, note in notes:
        new = intention.status in (S.SIGNED, S.NEGOTIATING) and not (
            NegotiationNote.objects.filter(agreement=intention, noted_on=noted_on).exists()
        )
        if new:
            kinds.record_negotiation_note(intention, actor=None, note=note, on=noted_on)
        _count(seeder, new)


def _convert(seeder) -> None:
    intention = Agreement.objects.get(title=CONVERTED_INTENTION)
    convert = intention.status == S.NEGOTIATING
    if convert:
        kinds.convert_intention(intention, actor=None, **CONVERTED_PROJECT, is_illustrative=True)
    _count(seeder, convert)
