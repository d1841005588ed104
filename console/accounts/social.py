"""An account's social data beyond friends: follows, and its conversation groups and marks.
Parsing of the Social and Conversation groups tabs' forms (limits are the client's)."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from console import forms
from console.forms import FormError
from console.tim.api.conversation_groups import (
    FAVORITE, FOLDED, HIDDEN, MAX_CONVERSATIONS, MAX_CUSTOM_MARK_BYTES, MAX_NAME_BYTES, UNREAD, ConversationRef,
    MarkChange,
)

FOLLOW_KINDS = {"following": _l("Following"), "followers": _l("Followers"), "mutual": _l("Mutual follows")}
FOLLOW_PAGE = 50
MAX_FOLLOW_IDS = 100
#: IM's own standard mark bits, in the order the page shows them
MARKS = {FAVORITE: _l("Favourite"), UNREAD: _l("Unread"), FOLDED: _l("Folded"), HIDDEN: _l("Hidden")}
GROUP_PREFIX = "group:"


def follow_kind(value) -> str:
    return value if value in FOLLOW_KINDS else "following"


def group_name(value, name: str = "name") -> str:
    value = forms.text(value, name, _("Conversation group"), max_bytes=MAX_NAME_BYTES, required=True)
    return value


def conversation_ref(value: str, name: str = "conversations") -> ConversationRef:
    """`group:GROUP_ID` for a group conversation, anything else a one-to-one peer's user ID."""
    value = value.strip()
    if value.startswith(GROUP_PREFIX):
        return ConversationRef.group(forms.group_id(value[len(GROUP_PREFIX):], name, _("Group"), required=True))
    return ConversationRef.c2c(forms.user_id(value, name, _("Peer")))


def conversation_refs(value, name: str = "conversations", *, required: bool = True) -> list[ConversationRef]:
    """Conversations one per line: a peer's user ID, or group:GROUP_ID."""
    lines = list(dict.fromkeys(line.strip() for line in str(value or "").splitlines() if line.strip()))
    if not lines and required:
        raise FormError(_("Name at least one conversation: a user ID, or group: and a group ID."), name)
    if len(lines) > MAX_CONVERSATIONS:
        raise FormError(_("At most %(n)d conversations.", n=MAX_CONVERSATIONS), name)
    return [conversation_ref(line, name) for line in lines]


def ref_text(ref: ConversationRef) -> str:
    """A conversation as the forms write it."""
    return f"{GROUP_PREFIX}{ref.peer}" if ref.type == 2 else ref.peer


def plan_marks(form: Mapping[str, str]) -> MarkChange:
    """One conversation's marks as ticked: every IM mark bit set or cleared, and the custom mark."""
    ref = conversation_ref(form.get("conversation") or "", "conversation")
    ticked = set(getattr(form, "getlist", lambda _k: [])("marks"))
    set_bits = [bit for bit in MARKS if str(bit) in ticked]
    clear_bits = [bit for bit in MARKS if str(bit) not in ticked]
    custom = form.get("custom")
    if custom is not None:
        custom = custom.strip()
        if forms.nbytes(custom) > MAX_CUSTOM_MARK_BYTES:
            raise FormError(_("The custom mark has at most %(n)d bytes.", n=MAX_CUSTOM_MARK_BYTES), "custom")
    return MarkChange(ref, set_bits=set_bits, clear_bits=clear_bits, custom=custom)
