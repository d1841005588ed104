"""Acting on member rows: remove and mute with a result per account, non-members named as such.

IM's delete_group_member and forbid_send_msg ignore accounts that are not members and answer OK, so
a plain call would report "removed" for someone who never was in the group. These functions ask
get_role_in_group first (one read) and send only the members; the rest come back as "not a member".
Live groups (AVChatRoom) keep no member list: their mutes go straight through."""
from __future__ import annotations

from flask_babel import gettext as _

from console.groups.domain import ADD_BATCH, ADD_RESULTS, ItemOutcome, _batches, _member_outcomes
from console.tim import TimError

NOT_MEMBER = "NotMember"


def split_members(group_api, group_id: str, user_ids: list[str]) -> tuple[list[str], list[ItemOutcome]]:
    """(the accounts that are members, an outcome for each that is not)."""
    roles = {r.id: r.role for r in group_api.get_roles_in_group(group_id, user_ids).items}
    members = [u for u in user_ids if roles.get(u) and roles[u] != NOT_MEMBER]
    others = [ItemOutcome(u, False, _("not a member of this group")) for u in user_ids if u not in members]
    return members, others


def _apply(user_ids: list[str], call, done: str) -> list[ItemOutcome]:
    """One call for all of `user_ids` (they fit one call); its outcome for each of them."""
    def one_call(batch):
        call(batch)
        return [ItemOutcome(u, True, done) for u in batch]
    return _batches(user_ids, max(len(user_ids), 1), one_call)


def _in_order(user_ids: list[str], outcomes: list[ItemOutcome]) -> list[ItemOutcome]:
    by_id = {o.item: o for o in outcomes}
    return [by_id[u] for u in user_ids]


def remove(group_api, group_id: str, user_ids: list[str], *, silence: bool, reason: str | None) -> list[ItemOutcome]:
    members, others = split_members(group_api, group_id, user_ids)
    removed = _apply(members, lambda ids: group_api.delete_members(group_id, ids, silence=silence, reason=reason),
                     _("removed"))
    return _in_order(user_ids, removed + others)


def mute(group_api, group, user_ids: list[str], seconds: int) -> list[ItemOutcome]:
    """Mute (`seconds` > 0) or unmute (0) the members among `user_ids`."""
    if group.type == "AVChatRoom":
        members, others = user_ids, []
    else:
        members, others = split_members(group_api, group.id, user_ids)
    done = _("muted") if seconds else _("unmuted")
    muted = _apply(members, lambda ids: group_api.forbid_send_message(group.id, ids, seconds), done)
    return _in_order(user_ids, muted + others)


#: add_group_member refuses a whole call when one account was never imported
NOT_IMPORTED = 10019


def add(group_api, account_api, group_id: str, user_ids: list[str], silence: bool) -> list[ItemOutcome]:
    """Add members in batches; a batch IM refuses because an account was never imported is checked
    with account_check: the unknown accounts are reported as such and the others added again."""
    def call(batch):
        try:
            return _member_outcomes(group_api.add_members(group_id, batch, silence=silence), ADD_RESULTS)
        except TimError as exc:
            if exc.code != NOT_IMPORTED:
                raise
            known = {c.id for c in account_api.check_accounts(batch).items if c.imported}
            unknown = [ItemOutcome(u, False, _("never imported into IM: import it first"), exc.code)
                       for u in batch if u not in known]
            retry = [u for u in batch if u in known]
            added = _member_outcomes(group_api.add_members(group_id, retry, silence=silence), ADD_RESULTS) if retry else []
            return _in_order(batch, added + unknown)
    return _batches(user_ids, ADD_BATCH, call)


#: groups destroyed at most from one selection
DESTROY_MAX = 50


def destroy(group_api, group_ids: list[str]) -> list[ItemOutcome]:
    """destroy_group for each group (one call each); a result per group, the next still tried."""
    def one(batch):
        group_api.destroy_group(batch[0])
        return [ItemOutcome(batch[0], True, _("destroyed"))]
    return _batches(group_ids, 1, one)
