"""The 进展报送表: each row asks what fits its agreement's kind; all rows or none."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from agreements import excel
from agreements.excel.progress import COLUMNS, import_progress
from agreements.models import Agreement, Delivery, NegotiationNote, ProgressReport
from agreements.tests.factories import AgreementFactory, purchase_with_party

pytestmark = pytest.mark.django_db

HEADERS = list(COLUMNS.values())


def upload(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "进展报送"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "进展报送.xlsx", buffer.getvalue(), content_type=excel.XLSX_CONTENT_TYPE
    )


@pytest.fixture
def agreements(enterprise_a):
    return {
        "project": AgreementFactory(title="葡萄深加工项目"),
        "purchase": purchase_with_party(enterprise_a, title="衡岳购销协议"),
        "intention": AgreementFactory(kind=Agreement.Kind.INTENTION, title="辣椒投资意向"),
    }


def project_row(**extra) -> dict:
    return {
        "项目名称": "葡萄深加工项目",
        "报告期起": "2024-01-01",
        "报告期止": date(2024, 6, 30),
        "到位资金(亿元)": 0.35,
        "完成进度(%)": 40,
        "进展情况": "厂房封顶",
        **extra,
    }


def delivery_row(**extra) -> dict:
    return {
        "项目名称": "衡岳购销协议",
        "交货日期": "2024-03-15",
        "货物": "肉苁蓉",
        "数量": 12.5,
        "金额(元)": "1875000.00",
        **extra,
    }


NOTE_ROW = {"项目名称": "辣椒投资意向", "洽谈日期": "2024-04-16", "洽谈记录": "洽谈用地条件"}


def test_progress_import_records_each_kind_its_own_way(agreements, secretariat):
    result = import_progress(upload([project_row(), delivery_row(), NOTE_ROW]), actor=secretariat)

    assert (result.progress_reports, result.deliveries, result.negotiation_notes) == (1, 1, 1)
    report = ProgressReport.objects.get()
    assert report.funds_in_place == Decimal("35000000.00") and report.percent_complete == 40
    delivery = Delivery.objects.get()
    assert (delivery.quantity, delivery.amount) == (Decimal("12.500"), Decimal("1875000.00"))
    assert NegotiationNote.objects.get().note == "洽谈用地条件"
    agreements["purchase"].refresh_from_db()
    assert agreements["purchase"].status == Agreement.Status.PARTLY_DELIVERED


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ({**delivery_row(), "到位资金(亿元)": 1}, "不填写"),
        ({"项目名称": "衡岳购销协议", "报告期起": "2024-01-01"}, "交货日期"),
        ({**NOTE_ROW, "洽谈记录": None}, "洽谈记录"),
        (delivery_row(数量="20.001"), "超出合同数量"),
        (delivery_row(货物="枸杞"), "枸杞"),
        (project_row(项目名称="没有的协议"), "没有的协议"),
        (project_row(**{"完成进度(%)": 120}), "0"),
    ],
)
def test_progress_import_a_bad_row_writes_nothing(agreements, secretariat, bad, expected):
    with pytest.raises(ValidationError) as error:
        import_progress(upload([project_row(), NOTE_ROW, bad]), actor=secretariat)

    messages = error.value.message_dict["file"]
    assert all(m.startswith("第 4 行") for m in messages) and expected in "".join(messages)
    assert not ProgressReport.objects.exists()
    assert not Delivery.objects.exists()
    assert not NegotiationNote.objects.exists()
    agreements["intention"].refresh_from_db()
    assert agreements["intention"].status == Agreement.Status.SIGNED


def test_progress_import_by_a_member_is_forbidden(agreements, member_a):
    with pytest.raises(PermissionDenied):
        import_progress(upload([delivery_row()]), actor=member_a)
    assert not Delivery.objects.exists()


def test_progress_import_api(api_for, secretariat, member_a, agreements):
    ok = api_for(secretariat).post(
        "/api/v1/progress-reports/import/", {"file": upload([delivery_row()])}, format="multipart"
    )
    refused = api_for(secretariat).post(
        "/api/v1/progress-reports/import/",
        {"file": upload([delivery_row(数量="30")])},
        format="multipart",
    )
    forbidden = api_for(member_a).post(
        "/api/v1/progress-reports/import/", {"file": upload([delivery_row()])}, format="multipart"
    )

    assert ok.status_code == 201 and ok.json()["deliveries"] == 1
    assert refused.status_code == 400 and "超出合同数量" in refused.json()["errors"]["file"][0]
    assert forbidden.status_code == 403
    assert Delivery.objects.count() == 1
