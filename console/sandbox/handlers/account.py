"""Accounts (im_open_login_svc/*) and presence (openim/query_online_status, openim/querystate)."""
from __future__ import annotations

from ..registry import ApiError, endpoint
from .common import item, items, size

BAD_PARAM = 70402
NOT_IMPORTED = 70107
NOT_IMPORTED_INFO = "Err_TLS_PT_Open_Login_Account_Not_Exist"
MAX_USERID_BYTES = 32
MAX_PROFILE_BYTES = 500


def _valid_userid(uid) -> bool:
    return isinstance(uid, str) and 0 < size(uid) <= MAX_USERID_BYTES


def _profile_text(value, field: str):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(BAD_PARAM, f"{field} must be a string")
    if size(value) > MAX_PROFILE_BYTES:
        raise ApiError(40601, f"{field} is longer than {MAX_PROFILE_BYTES} bytes")
    return value


@endpoint("im_open_login_svc/account_import", rate=200)
def account_import(ctx, body):
    uid = body.get("UserID", body.get("Identifier"))  # the old Go SDK sends Identifier
    if not _valid_userid(uid):
        raise ApiError(BAD_PARAM, "UserID must be a string of 1 to 32 bytes")
    nick = _profile_text(body.get("Nick"), "Nick")
    face = _profile_text(body.get("FaceUrl"), "FaceUrl")
    ctx.state.import_account(uid, nick, face, now=ctx.now)
    return {}


@endpoint("im_open_login_svc/multiaccount_import", rate=100)
def multiaccount_import(ctx, body):
    if "AccountList" in body:
        entries = items(body, "AccountList", BAD_PARAM, limit=100, kind=dict)
    else:
        entries = [{"UserID": uid} for uid in items(body, "Accounts", BAD_PARAM, limit=100)]
    failed = []
    with ctx.state.lock:
        for entry in entries:
            uid = entry.get("UserID")
            try:
                if not _valid_userid(uid):
                    raise ApiError(BAD_PARAM, "bad UserID")
                nick = _profile_text(entry.get("Nick"), "Nick")
                face = _profile_text(entry.get("FaceUrl"), "FaceUrl")
            except ApiError:
                failed.append(uid if isinstance(uid, str) else str(uid))
                continue
            ctx.state.import_account(uid, nick, face, now=ctx.now)
    return {"FailAccounts": failed}


def _user_ids(body: dict, field: str) -> list[str]:
    entries = items(body, field, BAD_PARAM, limit=100, kind=dict)
    uids = [e.get("UserID") for e in entries]
    if not all(isinstance(u, str) and u for u in uids):
        raise ApiError(BAD_PARAM, f"every {field} needs a UserID string")
    return uids


@endpoint("im_open_login_svc/account_delete", rate=100)
def account_delete(ctx, body):
    results = []
    with ctx.state.lock:
        for uid in _user_ids(body, "DeleteItem"):
            if ctx.state.account_exists(uid):
                ctx.state.delete_account(uid)
                results.append(item(uid, key="UserID"))
            else:
                results.append(item(uid, NOT_IMPORTED, NOT_IMPORTED_INFO, key="UserID"))
    return {"ResultItem": results}


@endpoint("im_open_login_svc/account_check", rate=100)
def account_check(ctx, body):
    with ctx.state.lock:
        return {"ResultItem": [
            item(uid, key="UserID",
                 AccountStatus="Imported" if ctx.state.account_exists(uid) else "NotImported")
            for uid in _user_ids(body, "CheckItem")]}


@endpoint("im_open_login_svc/kick", rate=200)
def kick(ctx, body):
    uid = body.get("UserID", body.get("Identifier"))
    if not isinstance(uid, str) or not uid:
        raise ApiError(BAD_PARAM, "UserID is missing")
    with ctx.state.lock:
        if not ctx.state.account_exists(uid):
            raise ApiError(NOT_IMPORTED, f"UserID {uid} was never imported")
        ctx.state.accounts[uid]["kicked_at"] = int(ctx.now)
        ctx.state.online.pop(uid, None)
    return {}


def _presence(ctx, body, status_field: str, report_unknown: bool) -> dict:
    uids = items(body, "To_Account", 90001, limit=500, limit_code=90011)
    if not all(isinstance(u, str) for u in uids):
        raise ApiError(90003, "every To_Account must be a string")
    detail = body.get("IsNeedDetail") == 1
    found, missing = [], []
    with ctx.state.lock:
        for uid in uids:
            if not ctx.state.account_exists(uid):
                missing.append({"To_Account": uid, "ErrorCode": NOT_IMPORTED})
                continue
            status, devices = ctx.state.presence(uid)
            entry = {"To_Account": uid, status_field: status}
            if detail and devices:
                entry["Detail"] = devices
            found.append(entry)
    out = {"QueryResult": found}
    if report_unknown:
        out["ErrorList"] = missing
        if not found:
            raise ApiError(NOT_IMPORTED, "none of the accounts was imported", out)
    return out


@endpoint("openim/query_online_status", rate=200)
def query_online_status(ctx, body):
    return _presence(ctx, body, "Status", report_unknown=True)


@endpoint("openim/querystate", rate=200)
def querystate(ctx, body):
    """The legacy name: `State` instead of `Status`, unknown accounts left out."""
    return _presence(ctx, body, "State", report_unknown=False)
