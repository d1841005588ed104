"""The Groups pages: one blueprint (`common.bp`) whose routes live in `pages` (list, create,
import, the group page), `members` and `messages` (the group's tabs), `selection` (actions on
ticked groups of the list), `depth` (data, bans, one message, clearing, the broadcast), `live`
(AVChatRooms) and `community` (topics, permission groups)."""
from console.groups.views import community, depth, live, members, messages, pages, selection  # noqa: F401  (their routes join bp)
from console.groups.views.common import bp

__all__ = ["bp"]
