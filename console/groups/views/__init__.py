"""The Groups pages: one blueprint (`common.bp`) whose routes live in `pages` (list, create,
import, the group page), `members` and `messages` (the group's tabs) and `selection` (actions on
ticked groups of the list)."""
from console.groups.views import members, messages, pages, selection  # noqa: F401  (their routes join bp)
from console.groups.views.common import bp

__all__ = ["bp"]
