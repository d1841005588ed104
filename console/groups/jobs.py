"""Group job kinds: refresh the local group cache, add many members in documented-size batches."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from console import db, jobs
from console.groups import rows
from console.groups.domain import ADD_BATCH, CACHE_FIELDS, cache_groups, prune_cache
from console.jobs import Item, JobRun, job_kind

INFO_BATCH = 50          # get_group_info takes at most 50 groups
LIST_LIMIT = 10000       # get_appid_group_list page size (its maximum)


@job_kind("groups.refresh_cache", batch=INFO_BATCH, label=_l("Refresh the group cache"))
def refresh_cache(run: JobRun, group_ids: list[str]) -> list[Item]:
    """Read up to 50 groups' base fields and store them in the cache."""
    result = run.tim.group.get_groups(group_ids, {"GroupBaseInfoFilter": CACHE_FIELDS})
    with db.new_session(run.app) as sess:
        cache_groups(sess, result.items)
    return [Item(g.id, g.ok, g.code, g.name if g.ok else g.info) for g in result.items]


@job_kind("groups.add_members", batch=ADD_BATCH, label=_l("Add group members"))
def add_members(run: JobRun, user_ids: list[str]) -> list[Item]:
    """One batch; a batch IM refuses for an unknown account is added again without it (groups.rows)."""
    outcomes = rows.add(run.tim.group, run.tim.account, run.params["group_id"], user_ids,
                        bool(run.params.get("silence")))
    return [Item(o.item, o.ok, 0 if o.ok else o.code, o.detail) for o in outcomes]


def list_group_ids(tim, group_type: str | None = None) -> list[str]:
    """Every group ID of the app (of `group_type`), following get_appid_group_list's cursor."""
    ids: list[str] = []
    cursor = 0
    while True:
        page = tim.group.fetch_group_ids(LIST_LIMIT, cursor, group_type)
        ids += [i for i in page.ids if i]
        if not page.has_more:
            return list(dict.fromkeys(ids))
        cursor = page.next


def start_refresh(tim, operator, group_type: str | None = None):
    """List the app's groups now, forget cached groups IM no longer has, and read the rest in a job."""
    ids = list_group_ids(tim, group_type)
    with db.new_session() as sess:
        prune_cache(sess, ids, group_type)
    return jobs.start("groups.refresh_cache", {"group_type": group_type or ""}, operator, items=ids)


def start_add(operator, group_id: str, user_ids: list[str], silence: bool):
    return jobs.start("groups.add_members", {"group_id": group_id, "silence": bool(silence)}, operator,
                      items=user_ids)
