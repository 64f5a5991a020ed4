"""Excel in and out: the export equals the statistics, the import writes all rows or none."""

import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from agreements import excel
from agreements.excel.columns import PREVIEW_MAX_AGE
from agreements.models import Agreement, AgreementImport, AgreementParty
from agreements.statistics import agreement_statistics
from agreements.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    SigningUnitFactory,
    agreement_with_party,
)
from liaison.models import AuditEntry, Organisation, User
from liaison.tests.factories import OrganisationFactory, PartnershipFactory, SectorFactory
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

YI = Decimal(100_000_000)
HEADERS = ["序号", "项目名称", "签约单位", "甲方", "乙方", "签约金额(亿元)", "产业类别", "签约日期"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def registry(db):
    """One partnership, two signing units with their governments, two sectors, two firms."""
    partnership = PartnershipFactory(name="湘吐合作")
    gaochang = OrganisationFactory(name="高昌区人民政府", short_name="高昌区政府")
    shanshan = OrganisationFactory(name="鄯善县人民政府")
    return {
        "partnership": partnership,
        "units": [
            SigningUnitFactory(name="高昌区", organisation=gaochang),
            SigningUnitFactory(name="鄯善县", organisation=shanshan),
        ],
        "sectors": [SectorFactory(name="现代农业"), SectorFactory(name="食品加工")],
        "firms": [
            OrganisationFactory(name="湖南甲农业有限公司", short_name="甲农业"),
            OrganisationFactory(name="湖南乙食品有限公司"),
        ],
        "event": MeetingFactory(
            partnership=partnership,
            title="2023项目签约仪式",
            kind=Meeting.Kind.SIGNING,
            start=datetime.fromisoformat("2023-12-20T10:00:00+08:00"),
        ),
    }


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "签约项目清单"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "签约项目清单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=excel.XLSX_CONTENT_TYPE)


GOOD_ROWS = [
    [
        1,
        "高昌区葡萄深加工项目",
        "高昌区",
        "高昌区人民政府",
        "湖南甲农业有限公司",
        78.75,
        "现代农业",
        date(2023, 12, 20),
    ],
    [
        2,
        "鄯善县食品产业园项目",
        "鄯善县",
        "鄯善县人民政府",
        "湖南乙食品有限公司",
        "0.01",
        "食品加工",
        "2023/12/20",
    ],
    [
        3,
        "高昌区冷链物流项目",
        "高昌区",
        "高昌区政府",
        "甲农业",
        12.345678,
        "现代农业",
        "2023年12月20日",
    ],
]


def _counts():
    return Agreement.objects.count(), AuditEntry.objects.count()


# --- Import ----------------------------------------------------------------------------------


def checked(content: bytes, actor, name: str = "签约项目清单.xlsx") -> AgreementImport:
    """Upload ``content`` and run the background check, as a worker would."""
    agreement_import = excel.start_import(upload(content, name), actor=actor)
    excel.check_import(agreement_import.pk)
    agreement_import.refresh_from_db()
    return agreement_import


def committed(agreement_import: AgreementImport, actor) -> AgreementImport:
    """Confirm a checked import and run the background commit, as a worker would."""
    excel.confirm_import(agreement_import, actor=actor)
    excel.commit_import(agreement_import.pk)
    agreement_import.refresh_from_db()
    return agreement_import


def test_import_good_sheet_records_every_row(registry, secretariat):
    content = xlsx(GOOD_ROWS)

    preview = checked(content, secretariat)

    assert preview.counts == {"rows": 3, "new": 3, "unchanged": 0, "invalid": 0}
    assert preview.can_commit and preview.progress == 100
    assert Agreement.objects.count() == 0  # the preview writes nothing

    done = committed(preview, secretariat)

    assert done.is_imported and len(done.created) == 3
    created = list(Agreement.objects.filter(pk__in=done.created))
    first = Agreement.objects.get(title="高昌区葡萄深加工项目")
    assert first.amount == Decimal("7875000000.00")
    assert first.kind == Agreement.Kind.PROJECT
    assert first.status == Agreement.Status.SIGNED
    assert first.partnership == registry["partnership"]
    assert first.signing_unit.name == "高昌区" and first.sector.name == "现代农业"
    assert first.signed_on == date(2023, 12, 20)
    assert Agreement.objects.get(title="鄯善县食品产业园项目").amount == Decimal("1000000.00")
    third = Agreement.objects.get(title="高昌区冷链物流项目")
    assert third.amount == Decimal("1234567800.00")
    assert {(p.role, p.organisation.name) for p in third.parties.all()} == {
        (AgreementParty.Role.A, "高昌区人民政府"),
        (AgreementParty.Role.B, "湖南甲农业有限公司"),
    }
    for agreement in created:
        entries = AuditEntry.objects.for_object(agreement)
        assert {e.action for e in entries} == {AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE}
        assert {e.actor for e in entries} == {secretariat}
    assert not done.file  # the uploaded sheet is not kept once imported
    # Confirming the same import again writes nothing.
    before = _counts()
    with pytest.raises(ValidationError):
        excel.confirm_import(done, actor=secretariat)
    excel.commit_import(done.pk)
    assert _counts() == before


def test_import_optional_kind_and_event(registry, secretariat):
    headers = [*HEADERS, "协议类型", "签约活动"]
    rows = [
        [
            1,
            "投资意向甲",
            "",
            "高昌区人民政府",
            "湖南乙食品有限公司",
            None,
            "",
            "2024-01-10",
            "投资意向",
            "",
        ],
        [
            2,
            "签约仪式上的项目",
            "鄯善县",
            "鄯善县人民政府",
            "湖南甲农业有限公司",
            5,
            "食品加工",
            "2023-12-20",
            "",
            "2023项目签约仪式",
        ],
    ]

    preview = checked(xlsx(rows, headers), secretariat)
    assert [row["problems"] for row in preview.rows] == [[], []]
    committed(preview, secretariat)

    intention = Agreement.objects.get(title="投资意向甲")
    assert intention.kind == Agreement.Kind.INTENTION and intention.amount is None
    project = Agreement.objects.get(title="签约仪式上的项目")
    assert project.signed_at_meeting == registry["event"]
    assert project.amount == Decimal("500000000.00")


def test_import_every_kind_of_bad_row_is_reported_and_nothing_written(registry, secretariat):
    existing = AgreementFactory(
        title="已签约项目",
        partnership=registry["partnership"],
        signing_unit=registry["units"][0],
        sector=registry["sectors"][0],
        amount=Decimal("500000000.00"),
    )
    AgreementPartyFactory(agreement=existing, organisation=registry["firms"][0])
    good = ["高昌区", "高昌区人民政府", "湖南甲农业有限公司", 1, "现代农业", "2023-12-20"]
    rows = [
        [1, "单位不明项目", "火星区", *good[1:]],  # row 2
        [2, "金额为汉字项目", *good[:3], "七十八亿", *good[4:]],  # row 3
        [3, "金额为负项目", *good[:3], "-3", *good[4:]],  # row 4
        [4, "金额为文字项目", *good[:3], "待定", *good[4:]],  # row 5
        [5, None, *good],  # row 6: no title
        [6, "缺乙方项目", "高昌区", "高昌区人民政府", None, 1, "现代农业", "2023-12-20"],  # row 7
        [7, "产业不明项目", *good[:4], "航天航空", good[5]],  # row 8
        [8, "日期有误项目", *good[:5], "2023-13-45"],  # row 9
        [9, "重复项目", *good],  # row 10
        [10, "重复项目", *good],  # row 11
        [11, "已签约项目", *good[:3], 6, *good[4:]],  # row 12: 5 亿 stored
        [
            12,
            "乙方不明项目",
            "高昌区",
            "高昌区人民政府",
            "不存在的公司",
            1,
            "现代农业",
            "2023-12-20",
        ],
    ]
    before = _counts()

    preview = checked(xlsx(rows), secretariat)

    problems = {row["line"]: " ".join(row["problems"]) for row in preview.rows}
    assert "火星区" in problems[2] and "签约单位" in problems[2]
    assert "七十八亿" in problems[3] and "不是数字" in problems[3]
    assert "-3" in problems[4] and "负数" in problems[4]
    assert "待定" in problems[5] and "不是数字" in problems[5]
    assert "项目名称" in problems[6]
    assert "乙方" in problems[7]
    assert "航天航空" in problems[8]
    assert "2023-13-45" in problems[9]
    assert 10 not in problems or problems[10] == ""
    assert "第 10 行" in problems[11]
    assert "已存在" in problems[12] and "签约金额" in problems[12]
    assert "不存在的公司" in problems[13]
    assert preview.counts["invalid"] == 11 and not preview.can_commit

    with pytest.raises(ValidationError):
        excel.confirm_import(preview, actor=secretariat)
    assert _counts() == before


def test_import_refuses_files_that_are_not_xlsx_at_once(registry, secretariat, tmp_path):
    csv = "项目名称,签约单位\n高昌区项目,高昌区\n".encode()
    not_ooxml = io.BytesIO()
    with zipfile.ZipFile(not_ooxml, "w") as archive:
        archive.writestr("readme.txt", "hello")
    cases = [
        (upload(b"just some text", "清单.xlsx"), "not_xlsx"),  # a .txt renamed .xlsx
        (upload(csv, "清单.csv"), "extension"),
        (upload(xlsx(GOOD_ROWS), "清单.xls"), "extension"),
        (upload(not_ooxml.getvalue(), "清单.xlsx"), "not_xlsx"),
        (upload(b"PK\x03\x04broken zip", "清单.xlsx"), "not_xlsx"),
        (upload(b"PK\x03\x04" + b"\0" * excel.MAX_BYTES), "too_large"),
    ]
    for file, code in cases:
        with pytest.raises(ValidationError) as error:
            excel.start_import(file, actor=secretariat)
        assert error.value.error_dict["file"][0].code == code, file.name
        assert "xlsx" in error.value.messages[0] or "MB" in error.value.messages[0]
    assert Agreement.objects.count() == 0 and AgreementImport.objects.count() == 0
    assert not (tmp_path / "private").exists()  # nothing kept


def test_import_of_too_many_rows_or_missing_columns_fails_with_the_reason(registry, secretariat):
    many = [
        [n, f"项目{n}", "高昌区", "高昌区人民政府", "甲农业", 1, "现代农业", "2023-12-20"]
        for n in range(excel.MAX_ROWS + 1)
    ]
    cases = [
        (xlsx(many), "2000"),
        (xlsx([["高昌区项目"]], headers=["项目名称"]), "签约金额(亿元)"),
    ]
    for content, text in cases:
        failed = checked(content, secretariat)

        assert failed.status == AgreementImport.Status.FAILED
        assert text in failed.error and failed.rows == []
        assert not failed.can_commit
    assert Agreement.objects.count() == 0


def test_a_workbook_failing_at_the_commit_leaves_no_row(registry, secretariat):
    preview = checked(xlsx(GOOD_ROWS), secretariat)
    # The registry changes between the check and the commit: a party is renamed.
    Organisation.objects.filter(name="湖南乙食品有限公司").update(name="湖南乙食品集团")
    before = _counts()

    failed = committed(preview, secretariat)

    assert failed.status == AgreementImport.Status.FAILED and failed.stage == "commit"
    assert "1 行" in failed.error  # 1 row has problems now
    assert failed.created == []
    assert _counts() == before


def test_a_crash_while_writing_rolls_every_row_back(registry, secretariat, monkeypatch):
    preview = checked(xlsx(GOOD_ROWS), secretariat)
    save_agreement = excel.imports.services.save_agreement
    written = []

    def crash_on_the_third(agreement, **kwargs):
        if len(written) == 2:
            raise RuntimeError("disk full")
        save_agreement(agreement, **kwargs)
        written.append(agreement.title)

    monkeypatch.setattr(excel.imports.services, "save_agreement", crash_on_the_third)
    before = _counts()

    failed = committed(preview, secretariat)

    assert len(written) == 2  # two rows were written before the crash …
    assert _counts() == before  # … and rolled back with it
    assert failed.status == AgreementImport.Status.FAILED
    assert "disk full" not in failed.error and failed.error


def test_reimporting_the_same_sheet_changes_nothing(registry, secretariat):
    content = xlsx(GOOD_ROWS)
    committed(checked(content, secretariat), secretariat)
    before = _counts()
    stored = list(Agreement.objects.order_by("pk").values())

    again = checked(content, secretariat)

    assert again.counts == {"rows": 3, "new": 0, "unchanged": 3, "invalid": 0}
    assert not again.can_commit
    with pytest.raises(ValidationError):
        excel.confirm_import(again, actor=secretariat)
    assert _counts() == before
    assert list(Agreement.objects.order_by("pk").values()) == stored


@pytest.mark.parametrize("who", ["official", "member_a"])
def test_members_and_officials_cannot_import(
    who, persona, registry, secretariat, client_for, api_for
):
    user = persona[who]
    preview = checked(xlsx(GOOD_ROWS), secretariat)
    before = _counts()

    page = client_for(user)
    assert page.get("/agreements/import/").status_code == 403
    assert page.post("/agreements/import/", {"file": upload(xlsx(GOOD_ROWS))}).status_code == 403
    assert page.get(f"/agreements/import/{preview.pk}/").status_code == 403
    assert page.post(f"/agreements/import/{preview.pk}/commit/").status_code == 403
    api = api_for(user)
    response = api.post(
        "/api/v1/agreements/import/preview/", {"file": upload(xlsx(GOOD_ROWS))}, format="multipart"
    )
    assert response.status_code == 403
    assert api.get(f"/api/v1/agreement-imports/{preview.pk}/").status_code == 403
    assert api.post(f"/api/v1/agreement-imports/{preview.pk}/commit/").status_code == 403
    with pytest.raises(Exception, match="秘书处"):
        excel.confirm_import(preview, actor=user)
    assert _counts() == before
    assert AgreementImport.objects.count() == 1


def test_an_import_is_confirmed_only_by_its_own_user_within_the_hour(
    registry, secretariat, client_for
):
    other = User.objects.create(username="secretariat2", role=User.Role.SECRETARIAT)
    preview = checked(xlsx(GOOD_ROWS), secretariat)

    with pytest.raises(ValidationError):
        excel.confirm_import(preview, actor=other)
    assert client_for(other).get(f"/agreements/import/{preview.pk}/").status_code == 404
    assert client_for(other).post(f"/agreements/import/{preview.pk}/commit/").status_code == 404
    AgreementImport.objects.filter(pk=preview.pk).update(
        finished_at=preview.finished_at - timedelta(seconds=PREVIEW_MAX_AGE + 1)
    )
    preview.refresh_from_db()
    with pytest.raises(ValidationError, match="过期"):
        excel.confirm_import(preview, actor=secretariat)
    assert Agreement.objects.count() == 0


def test_import_wizard_returns_at_once_and_shows_the_progress(registry, secretariat, client_for):
    client = client_for(secretariat)
    assert client.get("/agreements/import/").status_code == 200

    started = client.post("/agreements/import/", {"file": upload(xlsx(GOOD_ROWS))})

    agreement_import = AgreementImport.objects.get()
    assert started.status_code == 302
    assert started["Location"] == f"/agreements/import/{agreement_import.pk}/"
    page = client.get(started["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="import-progress" max="100" value="0">' in page
    assert "等待开始" in page  # Waiting to start
    assert "确认导入" not in page

    excel.check_import(agreement_import.pk)  # the worker

    page = client.get(started["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "确认导入" in page and "高昌区冷链物流项目" in page
    confirmed = client.post(f"/agreements/import/{agreement_import.pk}/commit/")
    assert confirmed.status_code == 302 and Agreement.objects.count() == 0
    page = client.get(started["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and 'id="import-progress"' in page

    excel.commit_import(agreement_import.pk)  # the worker

    page = client.get(started["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "已导入 3 项协议" in page
    assert Agreement.objects.count() == 3

    refused = client.post("/agreements/import/", {"file": upload(b"hello", "清单.xlsx")})
    assert refused.status_code == 400
    assert "不是 Excel" in refused.content.decode()


def test_the_progress_is_saved_while_a_long_sheet_is_read(registry, secretariat, monkeypatch):
    rows = [
        [n, f"项目{n}", "高昌区", "高昌区人民政府", "甲农业", 1, "现代农业", "2023-12-20"]
        for n in range(1, 1200)
    ]
    agreement_import = excel.start_import(upload(xlsx(rows)), actor=secretariat)
    seen = []
    save_progress = excel.imports.jobs.save_progress

    def watch(job, percent, step, **fields):
        save_progress(job, percent, step, **fields)
        job.refresh_from_db()
        seen.append((job.progress, job.step))

    monkeypatch.setattr(excel.imports.jobs, "save_progress", watch)

    excel.check_import(agreement_import.pk)

    assert [step for _percent, step in seen] == [
        "正在读取工作簿",
        "正在读取工作簿（第 500 行）",
        "正在读取工作簿（第 1000 行）",
        "正在检查 1199 行",
    ]
    percents = [percent for percent, _step in seen]
    assert percents == sorted(percents) and percents[0] == 5 and percents[-1] == 85


def test_without_a_broker_the_upload_is_checked_after_its_commit(
    registry, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agreement_import = excel.start_import(upload(xlsx(GOOD_ROWS)), actor=secretariat)

    agreement_import.refresh_from_db()
    assert agreement_import.is_checked and agreement_import.counts["new"] == 3


def test_import_api_returns_at_once_then_follows_and_commits(registry, secretariat, api_for):
    api = api_for(secretariat)
    bad = [
        *GOOD_ROWS,
        [4, "负数项目", "高昌区", "高昌区人民政府", "甲农业", -3, "现代农业", "2023-12-20"],
    ]

    response = api.post(
        "/api/v1/agreements/import/preview/", {"file": upload(xlsx(bad))}, format="multipart"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["stage"] == "check" and body["counts"] is None
    excel.check_import(body["id"])
    followed = api.get(f"/api/v1/agreement-imports/{body['id']}/").json()
    assert followed["status"] == "done" and followed["progress"] == 100
    assert followed["counts"] == {"rows": 4, "new": 3, "unchanged": 0, "invalid": 1}
    assert followed["rows"][3]["row"] == 5 and followed["rows"][3]["problems"]
    refused = api.post(f"/api/v1/agreement-imports/{body['id']}/commit/")
    assert refused.status_code == 400 and Agreement.objects.count() == 0

    response = api.post(
        "/api/v1/agreements/import/preview/", {"file": upload(xlsx(GOOD_ROWS))}, format="multipart"
    )
    excel.check_import(response.json()["id"])
    confirmed = api.post(f"/api/v1/agreement-imports/{response.json()['id']}/commit/")
    assert confirmed.status_code == 202 and confirmed.json()["stage"] == "commit"
    assert confirmed.json()["status"] == "queued" and Agreement.objects.count() == 0
    excel.commit_import(response.json()["id"])
    done = api.get(f"/api/v1/agreement-imports/{response.json()['id']}/").json()
    assert done["status"] == "done" and len(done["created"]) == 3
    assert set(done["created"]) == set(Agreement.objects.values_list("pk", flat=True))
    not_xlsx = api.post(
        "/api/v1/agreements/import/preview/", {"file": upload(b"x,y", "a.csv")}, format="multipart"
    )
    assert not_xlsx.status_code == 400 and "xlsx" in not_xlsx.json()["detail"]


def test_template_has_headers_example_and_instructions(registry, official, client_for):
    response = client_for(official).get("/agreements/import/template/")
    workbook = load_workbook(io.BytesIO(response.content))

    sheet = workbook["签约项目清单"]
    assert [c.value for c in sheet[1]][:8] == [
        "序号",
        "项目名称",
        "协议类型",
        "签约单位",
        "甲方",
        "乙方",
        "签约金额(亿元)",
        "产业类别",
    ]
    assert sheet["A2"].value == "示例"
    instructions = " ".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row)
    for allowed in ("高昌区", "鄯善县", "现代农业", "食品加工", "项目合作", "投资意向"):
        assert allowed in instructions
    assert excel.check_rows(excel.read_rows(response.content)) == []  # the example is skipped


@pytest.mark.parametrize(
    ("cell", "yuan"),
    [
        (78.75, "7875000000.00"),
        (0.1 + 0.2, "30000000.00"),  # a float sum in Excel: rounded to the fen
        ("78.75亿元", "7875000000.00"),
        ("１２.５", "1250000000.00"),
        (" 1,234.5 ", "123450000000.00"),
        (3, "300000000.00"),
        (Decimal("0.0000000001"), "0.01"),
        (None, None),
    ],
)
def test_parse_amount_is_decimal_to_the_fen(cell, yuan):
    assert excel.parse_amount(cell) == (Decimal(yuan) if yuan else None)


@pytest.mark.parametrize("cell", ["七十八亿", "-3", "abc", True, 0, "1e5", "NaN"])
def test_parse_amount_refuses(cell):
    with pytest.raises(ValueError):
        excel.parse_amount(cell)


# --- Export ----------------------------------------------------------------------------------


def read_export(content: bytes):
    """The data rows and the totals row of an exported ledger, amounts as Decimal."""
    sheet = load_workbook(io.BytesIO(content))["签约项目清单"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    return rows[:-1], rows[-1]


def dec(value) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def test_export_of_the_signing_event_projects_matches_the_article(client_for, api_for, demo):
    official = User.objects.get(username="official")
    query = "?kind=project&year=2023"  # the 33 of the signing event; one more came in 2024

    for response in (
        client_for(official).get(f"/agreements/export/{query}"),
        api_for(official).get(f"/api/v1/agreements/export/{query}"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
        rows, total = read_export(response.content)
        assert len(rows) == 33
        assert total[0] == "合计"
        assert dec(total[6]) == Decimal("246.18")
        by_unit = {}
        for row in rows:
            by_unit[row[3]] = by_unit.get(row[3], Decimal(0)) + dec(row[6])
        assert by_unit == {
            "高昌区": Decimal("78.75"),
            "鄯善县": Decimal("91.95"),
            "托克逊县": Decimal("73.38"),
            "市直单位": Decimal("2.10"),
        }
        assert sum(by_unit.values()) == dec(total[6])

    # The export reads back as an import that changes nothing.
    secretariat = User.objects.filter(role=User.Role.SECRETARIAT).first()
    preview = checked(response.content, secretariat)
    assert preview.counts == {"rows": 33, "new": 0, "unchanged": 33, "invalid": 0}


def test_export_totals_equal_the_statistics_to_the_fen(official, client_for):
    amounts = ["0.01", "12345.67", "99999999.99", "7875000000.05", "1.10"]
    for amount in amounts:
        AgreementFactory(amount=Decimal(amount), funds_in_place=Decimal("0.03"))
    AgreementFactory(kind=Agreement.Kind.INTENTION, amount=None)
    stats = agreement_statistics(Agreement.objects.all())

    rows, total = read_export(client_for(official).get("/agreements/export/").content)

    assert len(rows) == 6
    assert sorted(dec(r[6]) * YI for r in rows if r[6] != "—") == sorted(
        Decimal(a) for a in amounts
    )
    assert dec(total[6]) * YI == stats.amount == sum(Decimal(a) for a in amounts)
    assert dec(total[11]) * YI == stats.funds_in_place == Decimal("0.15")


def test_export_follows_filters_and_the_members_scope(
    member_a, enterprise_a, enterprise_b, client_for
):
    own = agreement_with_party(enterprise_a, title="甲企业的项目", amount=Decimal("300000000.00"))
    agreement_with_party(enterprise_a, title="甲企业的意向", kind=Agreement.Kind.INTENTION)
    agreement_with_party(enterprise_b, title="乙企业的项目")
    client = client_for(member_a)

    rows, total = read_export(client.get("/agreements/export/").content)
    assert {r[1] for r in rows} == {"甲企业的项目", "甲企业的意向"}

    rows, total = read_export(client.get("/agreements/export/?kind=project").content)
    assert [r[1] for r in rows] == [own.title]
    assert dec(total[6]) == Decimal("3")


def test_export_query_count_is_constant(official, client_for, pinned_queries):
    def make():
        agreement = AgreementFactory()
        AgreementPartyFactory(agreement=agreement, role=AgreementParty.Role.A)
        AgreementPartyFactory(agreement=agreement, role=AgreementParty.Role.B)

    pinned_queries(client_for(official), "/agreements/export/", make, queries=17, small=1, large=3)
    assert Organisation.objects.exists()


def _imports(actor, size: int) -> None:
    for n in range(size):
        AgreementImport.objects.create(
            original_name=f"清单{n}.xlsx",
            requested_by=actor,
            status=AgreementImport.Status.DONE if n % 2 else AgreementImport.Status.FAILED,
            rows=[{"line": 2, "cells": {}, "problems": [], "exists": False, "status": "new"}],
        )


def test_the_upload_page_lists_the_users_recent_imports_in_constant_queries(
    secretariat, official, client_for
):
    client = client_for(secretariat)
    _imports(official, 2)  # another user's imports are not listed
    _imports(secretariat, 1)
    with CaptureQueriesContext(connection) as small:
        page = client.get("/agreements/import/").content.decode()
    assert page.count("清单0.xlsx") == 1
    _imports(secretariat, 3)

    with CaptureQueriesContext(connection) as large:
        page = client.get("/agreements/import/").content.decode()

    assert len(large) == len(small)
    assert page.count("清单0.xlsx") == 2 and "清单2.xlsx" in page
    latest = AgreementImport.objects.filter(requested_by=secretariat).latest("pk")
    assert f'href="/agreements/import/{latest.pk}/"' in page
