"""Profiles (profile/portrait_set, profile/portrait_get) with the standard tags' value rules."""
from __future__ import annotations

import re

from ..registry import ApiError, endpoint
from .common import is_int, items, size, text, UINT32_MAX

BAD_PARAM = 40001
MAX_VALUE_BYTES = 500

ENUMS = {
    "Tag_Profile_IM_Gender": ("Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male"),
    "Tag_Profile_IM_AllowType": ("AllowType_Type_NeedConfirm", "AllowType_Type_AllowAny",
                                 "AllowType_Type_DenyAny"),
    "Tag_Profile_IM_AdminForbidType": ("AdminForbid_Type_None", "AdminForbid_Type_SendOut"),
}
STRINGS = ("Tag_Profile_IM_Nick", "Tag_Profile_IM_Location", "Tag_Profile_IM_SelfSignature",
           "Tag_Profile_IM_Image")
INTEGERS = ("Tag_Profile_IM_BirthDay", "Tag_Profile_IM_Language", "Tag_Profile_IM_MsgSettings",
            "Tag_Profile_IM_Level", "Tag_Profile_IM_Role")
STANDARD = (*ENUMS, *STRINGS, *INTEGERS)
# custom keys: the field reference says letters only, spec 6.1 letters, digits and "_"; accept both
CUSTOM = re.compile(r"Tag_Profile_Custom_\w{1,8}", re.ASCII)


def known_tag(tag) -> bool:
    return isinstance(tag, str) and (tag in STANDARD or bool(CUSTOM.fullmatch(tag)))


def check_value(tag: str, value) -> None:
    """Raise the documented code when `value` may not be stored under `tag`."""
    if not known_tag(tag):
        raise ApiError(40009, f"unknown profile tag {tag}")
    if tag in INTEGERS:
        if not is_int(value) or not 0 <= value <= UINT32_MAX:
            raise ApiError(40610, f"{tag} takes an unsigned 32-bit integer")
        return
    if not isinstance(value, str):
        raise ApiError(40610, f"{tag} takes a string")
    if size(value) > MAX_VALUE_BYTES:
        raise ApiError(40601, f"{tag} is longer than {MAX_VALUE_BYTES} bytes")
    if tag in ENUMS and value not in ENUMS[tag]:
        raise ApiError(40605, f"{tag} must be one of {', '.join(ENUMS[tag])}")


@endpoint("profile/portrait_set", rate=200, display=True)
def portrait_set(ctx, body):
    uid = text(body, "From_Account", BAD_PARAM)
    profile_items = items(body, "ProfileItem", BAD_PARAM, kind=dict)
    for entry in profile_items:  # all or nothing
        check_value(entry.get("Tag"), entry.get("Value"))
    with ctx.state.lock:
        if not ctx.state.account_exists(uid):
            raise ApiError(40003, f"From_Account {uid} was never imported")
        profile = ctx.state.profiles.setdefault(uid, {})
        for entry in profile_items:
            profile[entry["Tag"]] = entry["Value"]
    ctx.callbacks.after("Profile.CallbackPortraitSet", {
        "CallbackCommand": "Profile.CallbackPortraitSet", "Operator_Account": ctx.identifier,
        "From_Account": uid, "ProfileItem": [{"Tag": e["Tag"], "Value": e["Value"]} for e in profile_items],
        "EventTime": int(ctx.now * 1000)})
    return {}


def profile_values(profile: dict, tags: list) -> list[dict]:
    """The requested tags that have a value, in request order."""
    return [{"Tag": tag, "Value": profile[tag]} for tag in tags if tag in profile]


@endpoint("profile/portrait_get", rate=200, display=True)
def portrait_get(ctx, body):
    uids = items(body, "To_Account", 40002, kind=str)
    tags = items(body, "TagList", BAD_PARAM, kind=str)
    unknown = [t for t in tags if not known_tag(t)]
    if unknown:
        raise ApiError(40009, f"unknown profile tag {unknown[0]}")
    results, failed = [], []
    with ctx.state.lock:
        for uid in uids:
            if not ctx.state.account_exists(uid):
                failed.append(uid)
                results.append({"To_Account": uid, "ResultCode": 40003,
                                "ResultInfo": "Err_Profile_Account_Not_Exist"})
                continue
            results.append({"To_Account": uid,
                            "ProfileItem": profile_values(ctx.state.profiles.get(uid, {}), tags),
                            "ResultCode": 0, "ResultInfo": ""})
    out = {"UserProfileItem": results}
    if failed:
        out["Fail_Account"] = failed
    return out
