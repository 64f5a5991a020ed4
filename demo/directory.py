"""The demo directory: the regions, industry sectors, organisations and people the article
names, and one illustrative liaison person (联络员) per party and member enterprise."""

from __future__ import annotations

from liaison.models import Organisation, Person, Region, Sector

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


def seed_regions(seeder) -> dict[str, Region]:
    by_code: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        # Keyed on parent and name (always there and unique); the code may be blank.
        by_code[code] = seeder.upsert(
            Region,
            {"parent": by_code.get(parent), "name": name},
            {"code": code, "level": level},
        )
    return by_code


def seed_sectors(seeder) -> dict[str, Sector]:
    return {
        name: seeder.upsert(Sector, {"name": name}, {"name_en": name_en, "position": position})
        for position, (name, name_en) in enumerate(SECTORS, start=1)
    }


def seed_organisations(seeder, regions, sectors) -> dict[str, Organisation]:
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
        found[data["name"]] = seeder.upsert(Organisation, {"name": data["name"]}, values)
    return found


def seed_people(seeder, orgs) -> dict[str, Person]:
    """The named people, and the liaison people by organisation name."""
    for org, name, title in NAMED_PEOPLE:
        seeder.upsert(
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
            seeder.unchanged += 1
            continue
        liaisons[org] = seeder.upsert(
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
