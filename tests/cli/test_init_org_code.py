"""Issue 12: `sifasuo init` takes only a plausible 行政区划代码 as the 机构代码 (it can never change), with a
Chinese message and nothing written; the township's 机关代字 (--doc-code) uses the `docs code` checks."""
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.store import Store


@pytest.mark.parametrize("role, code, parent, said", [
    ("township", "T01", None, "只能由数字"),
    ("township", "37990110100O", None, "只能由数字"),          # a letter O among the digits
    ("township", "3799011010", None, "6位、9位或12位"),
    ("township", "379901", None, "县级代码"),
    ("township", "379901000000", None, "第7–9位"),
    ("township", "379901101001", None, "村级"),
    ("township", "379902101000", "379901", "开头"),
    ("township", "379901101000", "37990A", "上级机构代码"),
    ("county", "379900", None, "地市级"),
    ("county", "999901", None, "省级"),
    ("county", "379901101", None, "乡镇级"),
    ("county", "379901", "370000", "parent-code"),
])
def test_init_refuses_an_implausible_org_code(tmp_path, capsys, role, code, parent, said):
    d = tmp_path / "d"
    argv = ["init", "--data-dir", str(d), "--role", role, "--org-name", "测试司法所", "--org-code", code]
    if parent:
        argv += ["--parent-code", parent]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and said in err, err
    assert not d.exists()                      # nothing written


def test_init_accepts_and_normalises(tmp_path, capsys):
    d = tmp_path / "t"
    assert main(["init", "--data-dir", str(d), "--role", "township", "--org-name", "青石镇司法所",
                 "--org-code", "３７９９０１１０２", "--parent-code", "379901", "--doc-code", "青石所"]) == 0
    with Store.open(d) as s:
        assert (s.org.code, s.org.parent_code) == ("379901102", "379901")
        assert S.township_code(s) == "青石所"
    c = tmp_path / "c"
    assert main(["init", "--data-dir", str(c), "--role", "county", "--org-name", "示范县司法局",
                 "--org-code", "379901"]) == 0
