"""Accounts (`im_open_login_svc`) and presence (`openim/query_online_status`, and its legacy name
`openim/querystate`). Seed module: Account."""
from __future__ import annotations

from typing import Iterable

from console.tim.api._base import (
    Namespace, check_list, check_str, check_user_id, check_user_ids, envelope, error_list, flag, invalid,
    items_in_order, not_returned, result_items,
)
from console.tim.results import AccountCheck, BatchResult, ItemResult, OnlineStatus, Result

MAX_ACCOUNTS_PER_CALL = 100          # multiaccount_import, account_delete, account_check
MAX_PRESENCE_PER_CALL = 500          # query_online_status
MAX_PROFILE_VALUE_BYTES = 500        # Nick / FaceUrl

IMPORT = "im_open_login_svc/account_import"
MULTI_IMPORT = "im_open_login_svc/multiaccount_import"
DELETE = "im_open_login_svc/account_delete"
CHECK = "im_open_login_svc/account_check"
KICK = "im_open_login_svc/kick"
PRESENCE = "openim/query_online_status"
QUERYSTATE = "openim/querystate"       # the legacy name of PRESENCE


def _account_entry(entry) -> dict:
    """A user ID, or a dict {"user_id"/"UserID", "nick"/"Nick", "face_url"/"FaceUrl"}."""
    if isinstance(entry, str):
        return {"UserID": check_user_id("user_ids item", entry)}
    if not isinstance(entry, dict):
        raise invalid(f"user_ids items must be user ID strings or dicts, got {type(entry).__name__}")
    user_id = entry.get("user_id", entry.get("UserID"))
    out = {"UserID": check_user_id("user_ids item", user_id)}
    for key, field in (("nick", "Nick"), ("face_url", "FaceUrl")):
        value = entry.get(key, entry.get(field))
        if value is not None:
            out[field] = check_str(f"{field} of {user_id}", value, max_bytes=MAX_PROFILE_VALUE_BYTES,
                                   allow_empty=True)
    return out


class AccountAPI(Namespace):
    name = "account"

    def import_account(self, user_id: str, nick: str | None = None, face_url: str | None = None) -> Result:
        """Import (register) one account; importing an existing one again succeeds."""
        body = _account_entry({"UserID": user_id, "Nick": nick, "FaceUrl": face_url})
        return Result(raw=self._call(IMPORT, body, op="import_account", retry_safe=True))

    def import_accounts(self, user_ids: Iterable) -> BatchResult[ItemResult]:
        """Import up to 100 accounts: user ID strings, or dicts with user_id / nick / face_url.

        Bare IDs use the `Accounts` form; entries with a nick or avatar use `AccountList`.
        Items listed in `FailAccounts` come back failed with code None (the service gives none).
        """
        entries = [_account_entry(e) for e in check_list("user_ids", user_ids, max_items=MAX_ACCOUNTS_PER_CALL)]
        ids = check_user_ids("user_ids", [e["UserID"] for e in entries])
        if any(len(e) > 1 for e in entries):
            body = {"AccountList": entries}
        else:
            body = {"Accounts": ids}
        raw = self._call(MULTI_IMPORT, body, op="import_accounts", retry_safe=True)
        failed = set(raw.get("FailAccounts") or [])
        items = [ItemResult(id=i, ok=i not in failed, code=None if i in failed else 0,
                            info="listed in FailAccounts" if i in failed else "") for i in ids]
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def delete_accounts(self, user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """Delete up to 100 accounts and their data (irreversible). Unknown IDs fail per item (70107)."""
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_ACCOUNTS_PER_CALL)
        raw = self._call(DELETE, {"DeleteItem": [{"UserID": i} for i in ids]}, op="delete_accounts")
        items = result_items(raw, "ResultItem", ids, id_key="UserID")
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def delete_account(self, user_id: str) -> ItemResult:
        """Delete one account; raises (NotFoundError for 70107) if the service refused it."""
        return self._one(self.delete_accounts([user_id]), DELETE)

    def check_accounts(self, user_ids: Iterable[str]) -> BatchResult[AccountCheck]:
        """Whether each of up to 100 IDs is imported (`item.imported`)."""
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_ACCOUNTS_PER_CALL)
        raw = self._call(CHECK, {"CheckItem": [{"UserID": i} for i in ids]}, op="check_accounts",
                         retry_safe=True)
        items = result_items(raw, "ResultItem", ids, AccountCheck, id_key="UserID",
                             imported=lambda e: e.get("AccountStatus") == "Imported")
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def check_account(self, user_id: str) -> bool:
        """True when the account is imported."""
        return self._one(self.check_accounts([user_id]), CHECK).imported

    def kick_account(self, user_id: str) -> Result:
        """Invalidate the user's login state: UserSigs issued before now stop working."""
        body = {"UserID": check_user_id("user_id", user_id)}
        return Result(raw=self._call(KICK, body, op="kick_account", retry_safe=True))

    def get_accounts_online_state(self, user_ids: Iterable[str], detail: bool = False) -> BatchResult[OnlineStatus]:
        """Online / PushOnline / Offline for up to 500 users; unknown users fail per item (70107).

        When every user failed the service answers a non-zero code with an ErrorList: that comes
        back as an all-failed BatchResult (see console.tim.results), not as an exception.
        """
        return self._presence(PRESENCE, "get_accounts_online_state", user_ids, detail)

    def query_state(self, user_ids: Iterable[str], detail: bool = False) -> BatchResult[OnlineStatus]:
        """The same query through the legacy command `openim/querystate`, for apps or tools that
        still speak it. It leaves unknown users out of its answer: they come back failed with
        code None. Prefer get_accounts_online_state."""
        return self._presence(QUERYSTATE, "query_state", user_ids, detail)

    def _presence(self, endpoint: str, op: str, user_ids: Iterable[str], detail: bool) -> BatchResult[OnlineStatus]:
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_PRESENCE_PER_CALL)
        raw = self._call_batch(endpoint, {"To_Account": ids, "IsNeedDetail": flag(detail)}, op=op, retry_safe=True)
        found = {}
        for entry in raw.get("QueryResult") or []:
            # The current field table says Status, older samples (and querystate) say State.
            status = entry.get("Status", entry.get("State", ""))
            found[entry.get("To_Account")] = OnlineStatus(id=entry.get("To_Account"), status=status,
                                                          detail=list(entry.get("Detail") or []), raw=entry)
        found.update(error_list(raw, OnlineStatus))
        return BatchResult(items=items_in_order(ids, found, not_returned(OnlineStatus)), raw=raw,
                           **envelope(raw))

    def get_account_online_state(self, user_id: str, detail: bool = False) -> OnlineStatus:
        """One user's state; raises NotFoundError (70107) for an unknown user."""
        return self._one(self.get_accounts_online_state([user_id], detail), PRESENCE)
