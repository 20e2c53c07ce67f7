import datetime as dt

import pytest

from sifasuo_desktop.documents import service as S

from sifasuo_desktop.documents import fonts as F

HANZI = ("行政执法监督是县级人民政府对所属部门和乡镇人民政府行政执法工作进行的监督检查各单位应当"
         "严格规范公正文明执法落实行政执法公示制度执法全过程记录制度重大执法决定法制审核制度不断提高"
         "依法行政水平司法所协助开展案卷评查并督促问题整改到位确保行政执法行为合法适当程序正当")


def hanzi(n: int, start: int = 0) -> str:
    s = HANZI * (n // len(HANZI) + 2)
    return s[start:start + n]


@pytest.fixture(scope="session")
def resolver():
    r = F.default_resolver()
    try:
        r.primary(F.FANGSONG)
    except F.FontError as e:  # pragma: no cover - environment without CJK fonts
        pytest.skip(str(e))
    return r


PROBLEMS = [
    dict(category="执法程序", description="行政处罚案卷中未见法制审核意见，重大执法决定未经法制审核即作出决定",
         case_ref="青综执罚〔2026〕12号案卷", requirement="补齐法制审核程序", deadline=dt.date(2026, 12, 20)),
    dict(category="文书归档", description="送达回证缺少受送达人签名，当事人王堃、李赟、张喆的身份证明材料未归档",
         requirement="按照案卷归档标准重新整理装订"),
    dict(category="执法主体", description="2名执法人员未取得行政执法证件即参与现场检查", requirement="停止无证人员独立执法"),
]

FACTS = dict(
    issuer="青山县司法局", office="青山镇司法所", recipient="青山镇人民政府", date=dt.date(2026, 11, 23),
    doc_no="青司督函〔2026〕3号", problems=PROBLEMS, found_date=dt.date(2026, 9, 12), source="行政执法案卷评查",
    earlier_doc_no="青司监意〔2026〕7号", earlier_date=dt.date(2026, 9, 20), earlier_deadline=dt.date(2026, 10, 20),
    deadline=dt.date(2026, 12, 10), contact="刘明", phone="0530-1234567", cc=["青山镇党委", "县人民政府办公室"],
    review=dict(year=2026, units=12, cases=86, permit=30, penalty=50, other=6, excellent=10, good=30, passed=38,
                failed=8, rows=[dict(unit="青山镇人民政府", cases=8, excellent=1, good=3, passed=3, failed=1, avg=82.5)]),
    service=dict(doc_title="行政执法监督督办函", doc_no="青司督函〔2026〕3号", receiver="青山镇人民政府",
                 address="青山镇人民路1号"),
)


TODAY = dt.date.today()


@pytest.fixture
def county_store(tmp_path):
    """Documents in the county bureau's name are issued at the county (issue 12)."""
    from sifasuo_desktop.store import Store

    s = Store.open(tmp_path / "county")
    s.init_org("county", "青山县司法局", "C0001")
    yield s
    s.close()


@pytest.fixture
def ds(county_store):
    return _fill(county_store)


@pytest.fixture
def township_ds(store):
    """The same records in a township's folder (测试镇司法所, T0001 under C0001)."""
    return _fill(store)


def _fill(store):
    store.set_setting(S.S_ISSUER, "青山县司法局")
    store.set_setting(S.S_SHORT, "青")
    store.set_setting(S.S_CONTACT, {"name": "刘明", "phone": "0530-1234567"})
    body = store.insert("bodies", {"name": "青山镇人民政府", "body_type": "乡镇人民政府"})
    other = store.insert("bodies", {"name": "县市场监督管理局", "body_type": "县直部门"})
    old = (TODAY - dt.timedelta(days=40)).isoformat()
    late = (TODAY - dt.timedelta(days=5)).isoformat()
    future = (TODAY + dt.timedelta(days=20)).isoformat()
    with store.workflow():   # history set up as if made through the workflow
      probs = [
        store.insert("problems", {"problem_no": "青问〔2026〕1号", "found_date": old, "source": "监督检查",
                                  "body_id": body["id"], "category": "程序", "description": "重大执法决定未经法制审核",
                                  "requirement": "补齐法制审核", "deadline": late, "status": "待整改"}),
        store.insert("problems", {"problem_no": "青问〔2026〕2号", "found_date": old, "source": "监督检查",
                                  "body_id": body["id"], "category": "文书归档", "description": "当事人王堃的送达回证缺签名",
                                  "requirement": "规范归档", "deadline": late, "status": "整改中"}),
        store.insert("problems", {"problem_no": "青问〔2026〕3号", "found_date": old, "source": "监督检查",
                                  "body_id": body["id"], "category": "执法证件", "description": "无证人员参与检查",
                                  "requirement": "停止无证执法", "deadline": future, "status": "待整改"}),
        store.insert("problems", {"problem_no": "青问〔2026〕4号", "found_date": old, "source": "监督检查",
                                  "body_id": body["id"], "category": "其他", "description": "已整改完毕",
                                  "deadline": late, "status": "已销号"}),
      ]
    return store, body, other, probs
