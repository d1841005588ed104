"""Rule versions: every change of a moderation rule kept with who and when, diffs, rollback.

`rules.save` and the rules page's delete call `record` after each change; a rule that existed
before versions were kept gets its state before the first change recorded too (change
"baseline"). A rollback saves an old version's fields as a new change ("rollback"), so history is
never rewritten; a deleted rule comes back under its own id.
"""
from __future__ import annotations

import difflib
import json
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from console.forms import FormError
from console.models.events import Rule
from console.models.moderation import KeywordList, RuleVersion

FIELDS = ("name", "scope", "match", "pattern", "action", "error_code", "error_info", "position",
          "enabled", "keyword_list_id")
CHANGES = ("baseline", "create", "update", "enable", "disable", "delete", "rollback")


def snapshot(rule: Rule) -> dict:
    return {k: getattr(rule, k) for k in FIELDS}


def _next(sess, rule_id: int) -> int:
    return (sess.execute(select(func.max(RuleVersion.version)).where(RuleVersion.rule_id == rule_id))
            .scalar() or 0) + 1


def has_versions(sess, rule_id: int) -> bool:
    return sess.execute(select(RuleVersion.id).where(RuleVersion.rule_id == rule_id).limit(1)).first() is not None


def unsaved(rule: Rule) -> RuleVersion:
    """The rule as it is, as a version not stored (a rule older than versions, never changed)."""
    return RuleVersion(rule_id=rule.id, version=1, change="baseline",
                       snapshot=json.dumps(snapshot(rule), ensure_ascii=False, sort_keys=True),
                       created_ms=rule.updated_ms, created_by=rule.updated_by)


def record(sess, rule_id: int, change: str, values: dict, by: str | None) -> RuleVersion:
    version = RuleVersion(rule_id=rule_id, version=_next(sess, rule_id), change=change,
                          snapshot=json.dumps(values, ensure_ascii=False, sort_keys=True),
                          created_ms=int(time.time() * 1000), created_by=by)
    sess.add(version)
    sess.flush()
    return version


def history(sess, rule_id: int) -> list[RuleVersion]:
    return list(sess.scalars(select(RuleVersion).where(RuleVersion.rule_id == rule_id)
                             .order_by(RuleVersion.version.desc())))


def get(sess, rule_id: int, version: int) -> RuleVersion | None:
    return sess.scalars(select(RuleVersion).where(RuleVersion.rule_id == rule_id,
                                                  RuleVersion.version == version)).first()


def values(version: RuleVersion) -> dict:
    try:
        data = json.loads(version.snapshot)
    except ValueError:
        return {}
    return {k: data.get(k) for k in FIELDS}


@dataclass
class FieldDiff:
    field: str
    old: object
    new: object
    lines: list[str] | None = None  # a unified diff, for the multi-line pattern


def diff(old: dict, new: dict) -> list[FieldDiff]:
    """The fields that differ between two snapshots (the pattern as a line diff)."""
    out = []
    for key in FIELDS:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        lines = None
        if key == "pattern" and isinstance(a, str) and isinstance(b, str):
            lines = [line for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1)
                     if not line.startswith(("---", "+++"))]
        out.append(FieldDiff(key, a, b, lines))
    return out


def rollback(sess, rule_id: int, version: RuleVersion, by: str | None) -> tuple[Rule, dict]:
    """Make the rule what it was at `version` (recreated if it was deleted); the changes made."""
    from console.events import rules

    data = values(version)
    if version.change == "delete" or not data.get("scope"):
        raise FormError(_l("This version is a deletion: roll back to the version before it."), "version")
    if data.get("keyword_list_id") is not None and sess.get(KeywordList, data["keyword_list_id"]) is None:
        raise FormError(_l("The keyword list of this version was deleted."), "version")
    rules.validate(data["scope"], data["match"], data["pattern"] or "", data["action"], data["error_code"],
                   data["keyword_list_id"])
    rule = sess.get(Rule, rule_id)
    if rule is None:
        now = int(time.time() * 1000)
        rule = Rule(id=rule_id, created_ms=now, updated_ms=now)
        sess.add(rule)
        changes = {k: [None, v] for k, v in data.items()}
        for key, value in data.items():
            setattr(rule, key, value)
        rule.updated_by = by
        sess.flush()
        rules.cache.invalidate()
        record(sess, rule_id, "rollback", snapshot(rule), by)
        return rule, changes
    return rules.save(sess, rule, data, by, change="rollback")
