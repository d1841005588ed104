"""Reading groups and members: group info, member lists, joined groups, roles."""
from __future__ import annotations

from ...groups import Group, normalize_type
from ...registry import endpoint
from .base import (ACCOUNTS_MAX, GROUP_INFO_MAX, SVC, _bad, _base_info, _custom_list, _filter_list,
                   _group, _int, _member_info, _strings, _text)


# ---- reading groups and members ---------------------------------------------------------

@endpoint(SVC + "get_group_info")
def get_group_info(ctx, body):
    ids = body.get("GroupIdList")
    if not isinstance(ids, list) or not ids:
        raise _bad("GroupIdList is required")
    if len(ids) > GROUP_INFO_MAX:
        raise _bad(f"GroupIdList holds more than {GROUP_INFO_MAX} groups")
    rf = body.get("ResponseFilter")
    if rf is not None and not isinstance(rf, dict):
        raise _bad("ResponseFilter must be an object")
    filters = {k: _filter_list((rf or {}).get(k), k) for k in (
        "GroupBaseInfoFilter", "MemberInfoFilter", "AppDefinedDataFilter_Group",
        "AppDefinedDataFilter_GroupMember")}
    with ctx.state.lock:
        return {"GroupInfo": [_group_info(ctx, gid, rf is not None, filters) for gid in ids]}


def _group_info(ctx, group_id, filtered: bool, filters: dict) -> dict:
    head = {"GroupId": group_id if isinstance(group_id, str) else str(group_id)}
    if not isinstance(group_id, str) or not group_id:
        return {**head, "ErrorCode": 10015, "ErrorInfo": "invalid GroupId"}
    group = ctx.state.groups.get(group_id)
    if group is None:
        return {**head, "ErrorCode": 10010, "ErrorInfo": "group does not exist or has been disbanded"}
    info = {**head, "ErrorCode": 0, "ErrorInfo": ""}
    if not filtered:
        info.update(_base_info(group, None))
        info["Appid"] = getattr(ctx.sandbox, "app_id", 0)
        info["AppDefinedData"] = _custom_list(group.app_data, None)
        if group.type == "Community":            # as the SDKs' group profile (isSupportTopic)
            info["SupportTopic"] = group.support_topic
        if group.stores_members:
            info["MemberList"] = [_member_info(group, m, ctx.now) for m in group.members.values()]
        return info
    info.update(_base_info(group, filters["GroupBaseInfoFilter"] or ()))
    if filters["AppDefinedDataFilter_Group"] is not None:
        info["AppDefinedData"] = _custom_list(group.app_data, filters["AppDefinedDataFilter_Group"])
    names, keys = filters["MemberInfoFilter"], filters["AppDefinedDataFilter_GroupMember"]
    if group.stores_members and (names is not None or keys is not None):
        info["MemberList"] = [_member_info(group, m, ctx.now, names or (), keys or ())
                              for m in group.members.values()]
    return info


@endpoint(SVC + "get_group_member_info")
def get_group_member_info(ctx, body):
    names = _filter_list(body.get("MemberInfoFilter"), "MemberInfoFilter")
    roles = _filter_list(body.get("MemberRoleFilter"), "MemberRoleFilter")
    keys = _filter_list(body.get("AppDefinedDataFilter_GroupMember"), "AppDefinedDataFilter_GroupMember")
    if names is not None and keys is None:      # a field filter alone: no custom data
        keys = ()
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        community = group.type == "Community"
        limit = _int(body, "Limit", high=100 if community else 6000)
        if community:
            cursor = body.get("Next", "")
            if not isinstance(cursor, str) or (cursor and not cursor.isdigit()):
                raise _bad("invalid Next")
            start = int(cursor or 0)
        else:
            start = _int(body, "Offset", default=0)
        members = [m for m in group.members.values() if roles is None or m.role in roles]
        page = members[start:start + limit] if limit else members[start:]
        end = start + len(page)
        return {"MemberNum": group.member_num,
                "MemberList": [_member_info(group, m, ctx.now, names, keys) for m in page],
                "Next": str(end) if community and end < len(members) else ""}


@endpoint(SVC + "get_joined_group_list")
def get_joined_group_list(ctx, body):
    account = _text(body, "Member_Account", required=True, allow_empty=False)
    limit = _int(body, "Limit", high=5000)
    offset = _int(body, "Offset", default=0)
    group_type = body.get("GroupType") or None  # "" = no filter
    if group_type is not None and normalize_type(group_type) is None:
        raise _bad("invalid GroupType")
    group_type = normalize_type(group_type) if group_type is not None else None
    # SupportTopic takes effect on communities (whatever GroupType asks for); other groups pass
    topic = _int(body, "SupportTopic", high=1)
    rf = body.get("ResponseFilter") or {}
    if not isinstance(rf, dict):
        raise _bad("ResponseFilter must be an object")
    base = _filter_list(rf.get("GroupBaseInfoFilter"), "GroupBaseInfoFilter")
    self_names = _filter_list(rf.get("SelfInfoFilter"), "SelfInfoFilter")
    with_huge = _int(body, "WithHugeGroups", high=1, default=0)
    with_inactive = _int(body, "WithNoActiveGroups", high=1, default=0)
    with ctx.state.lock:
        groups = [g for g in ctx.state.groups.joined(account)
                  if (with_huge or g.stores_members)
                  and (with_inactive or g.activated or g.owner == account)
                  and group_type in (None, g.type)
                  and (topic is None or g.type != "Community" or g.support_topic == topic)]
        page = groups[offset:offset + limit] if limit else groups[offset:]
        listed = []
        for group in page:
            item = {"GroupId": group.group_id}
            if base:
                item.update(_base_info(group, base))
            if self_names:
                item["SelfInfo"] = _self_info(group, account, self_names, ctx.now)
            if topic is not None and group.type == "Community":
                _topic_summary(ctx, item, group, account)
            listed.append(item)
        return {"TotalCount": len(groups), "GroupIdList": listed}


def _topic_summary(ctx, item: dict, group: Group, account: str) -> None:
    """What a SupportTopic query adds (published sample): the type and, for a topic-enabled
    community, the gross topic sequence and the user's read position in it."""
    item.update(Type=group.type, SupportTopic=group.support_topic)
    if group.support_topic:
        communities = ctx.state.communities
        item["GrossTopicNextMsgSeq"] = communities.gross_next_seq(group.group_id)
        item.setdefault("SelfInfo", {})["GrossTopicReadSeq"] = communities.gross_read_seq(group.group_id, account)


def _self_info(group: Group, account: str, names, now: float) -> dict:
    member = group.members.get(account)
    if member is None:         # AVChatRoom: nothing stored but the role
        role = "Owner" if group.owner == account else "Member"
        return {"Role": role} if "Role" in names else {}
    return _member_info(group, member, now, names, (), with_account=False)


@endpoint(SVC + "get_role_in_group")
def get_role_in_group(ctx, body):
    accounts = _strings(body, "User_Account", required=True, limit=ACCOUNTS_MAX)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        return {"UserIdList": [{"Member_Account": a, "Role": group.role_of(a)} for a in accounts]}


@endpoint(SVC + "get_online_member_num")
def get_online_member_num(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("Private", "Public", "ChatRoom", "Community"))
        return {"OnlineMemberNum": len(group.online)}
