"""sifasuo rules: list and change the warning rules' settings (every rule of resources/rule_defaults.json)."""
from __future__ import annotations

from sifasuo_desktop.cli.common import open_store, print_json
from sifasuo_desktop.domain.errors import UserError


def register(sub, common):
    p = sub.add_parser("rules", parents=[common], help="预警规则设置：列出、修改参数或停用规则")
    rs = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    q = rs.add_parser("list", parents=[common], help="列出每条规则的代码、名称、是否启用和参数")
    q.add_argument("--json", action="store_true", help="以JSON数组输出（code, title, enabled, params, defaults, labels）")
    q.set_defaults(func=cmd_rules_list)
    q = rs.add_parser("set", parents=[common], help="修改一条规则的参数（需管理员），enabled=false 停用",
                      description="例：sifasuo rules set RY-10 public_law_hours=20 business_hours=40；"
                                  "sifasuo rules set JC-02 enabled=false")
    q.add_argument("code", metavar="CODE", help="规则代码，如 RY-10")
    q.add_argument("assignments", nargs="+", metavar="KEY=VALUE", help="参数名=数值；enabled=true/false")
    q.add_argument("--json", action="store_true", help="以JSON输出修改后的规则")
    q.set_defaults(func=cmd_rules_set)


def _rows(store) -> list[dict]:
    from sifasuo_desktop.domain.rules import rule_listing
    from sifasuo_desktop.store.rules_queries import stored_rule_settings

    return rule_listing(stored_rule_settings(store))


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _line(row: dict) -> str:
    state = "启用" if row["enabled"] else "停用"
    params = "；".join(f"{row['labels'].get(k, k)}（{k}）={_fmt(v)}" for k, v in row["params"].items())
    return f"{row['code']}  {row['title']}  [{state}]" + (f"  {params}" if params else "")


def cmd_rules_list(args) -> int:
    store = open_store(args, write=False)
    try:
        rows = _rows(store)
    finally:
        store.close()
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(_line(row))
    return 0


def cmd_rules_set(args) -> int:
    from sifasuo_desktop.domain.rules import parse_assignments
    from sifasuo_desktop.store.rules_queries import set_rule_params

    code = args.code.strip().upper()
    try:
        changes = parse_assignments(code, args.assignments)  # checked before the store is opened
    except ValueError as exc:
        raise UserError(str(exc)) from None
    store = open_store(args, write=True)
    try:
        try:
            set_rule_params(store, code, changes)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        row = next(r for r in _rows(store) if r["code"] == code)
    finally:
        store.close()
    if args.json:
        print_json(row)
    else:
        print("已保存：" + _line(row))
    return 0
