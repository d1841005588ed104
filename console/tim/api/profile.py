"""Profiles (`profile/portrait_set`, `portrait_get`). Seed module: Profile."""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from console.tim.api._base import (
    Namespace, check_enum, check_int, check_str, check_user_id, check_user_ids, envelope, invalid,
    result_items, tag_values,
)
from console.tim.results import BatchResult, Profile, Result

MAX_VALUE_BYTES = 500
MAX_USERS_PER_GET = 100              # "keep <= 100" (larger responses may fail)

SET = "profile/portrait_set"
GET = "profile/portrait_get"

# Friendly names for the standard tags (§0.7); full tag names are accepted as well.
TAGS = {
    "nick": "Tag_Profile_IM_Nick",
    "gender": "Tag_Profile_IM_Gender",
    "birthday": "Tag_Profile_IM_BirthDay",
    "location": "Tag_Profile_IM_Location",
    "signature": "Tag_Profile_IM_SelfSignature",
    "allow_type": "Tag_Profile_IM_AllowType",
    "language": "Tag_Profile_IM_Language",
    "avatar": "Tag_Profile_IM_Image",
    "msg_settings": "Tag_Profile_IM_MsgSettings",
    "admin_forbid_type": "Tag_Profile_IM_AdminForbidType",
    "level": "Tag_Profile_IM_Level",
    "role": "Tag_Profile_IM_Role",
}
STANDARD_TAGS = tuple(TAGS.values())
INT_TAGS = {"Tag_Profile_IM_BirthDay", "Tag_Profile_IM_Language", "Tag_Profile_IM_MsgSettings",
            "Tag_Profile_IM_Level", "Tag_Profile_IM_Role"}
ENUM_TAGS = {
    "Tag_Profile_IM_Gender": ("Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male"),
    "Tag_Profile_IM_AllowType": ("AllowType_Type_NeedConfirm", "AllowType_Type_AllowAny",
                                 "AllowType_Type_DenyAny"),
    "Tag_Profile_IM_AdminForbidType": ("AdminForbid_Type_None", "AdminForbid_Type_SendOut"),
}
CUSTOM_PREFIX = "Tag_Profile_Custom_"
_CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_]{1,8}$")


def tag_name(key: str) -> str:
    """A friendly name or a tag -> the tag; unknown names are refused."""
    tag = TAGS.get(key, key)
    if tag in STANDARD_TAGS:
        return tag
    if isinstance(tag, str) and tag.startswith(CUSTOM_PREFIX) and _CUSTOM_KEY.match(tag[len(CUSTOM_PREFIX):]):
        return tag
    raise invalid(f"unknown profile field {key!r}: use one of {', '.join(TAGS)}, a Tag_Profile_IM_* tag "
                  f"or {CUSTOM_PREFIX}<up to 8 letters/digits>")


def check_value(tag: str, value: Any) -> Any:
    if tag in INT_TAGS:
        return check_int(tag, value)
    if tag in ENUM_TAGS:
        return check_enum(tag, value, ENUM_TAGS[tag])
    return check_str(tag, value, max_bytes=MAX_VALUE_BYTES, allow_empty=True)


class ProfileAPI(Namespace):
    name = "profile"

    def set_profile(self, user_id: str, attrs: Mapping[str, Any] | None = None, **fields: Any) -> Result:
        """Set profile fields: `attrs` maps tags (or friendly names: nick, gender, ...) to values;
        keyword arguments with friendly names work too: set_profile("u1", nick="Ann")."""
        merged = {**dict(attrs or {}), **fields}
        if not merged:
            raise invalid("set_profile needs at least one field to set")
        items = []
        for key, value in merged.items():
            tag = tag_name(key)
            items.append({"Tag": tag, "Value": check_value(tag, value)})
        body = {"From_Account": check_user_id("user_id", user_id), "ProfileItem": items}
        return Result(raw=self._call(SET, body, op="set_profile", retry_safe=True))

    def get_profiles(self, user_ids: Iterable[str], tags: Iterable[str] | None = None) -> BatchResult[Profile]:
        """Read profile fields of up to 100 users; per-user failures (e.g. 40003) stay in the items.

        `tags` defaults to every standard tag; friendly names are accepted.
        """
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_USERS_PER_GET)
        tag_list = [tag_name(t) for t in (tags if tags is not None else STANDARD_TAGS)]
        if not tag_list:
            raise invalid("tags must name at least one field")
        raw = self._call(GET, {"To_Account": ids, "TagList": tag_list}, op="get_profiles", retry_safe=True)
        items = result_items(raw, "UserProfileItem", ids, Profile, attrs=lambda e: tag_values(e.get("ProfileItem")))
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def get_profile(self, user_id: str, tags: Iterable[str] | None = None) -> Profile:
        """One user's profile; raises when the service reports a failure for that user."""
        return self._one(self.get_profiles([user_id], tags), GET)
