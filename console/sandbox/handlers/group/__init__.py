"""Emulation of the group endpoints (`group_open_http_svc/*`).

Each handler reads and checks the request, applies the change to `state.groups` under the
state lock and answers with the documented fields. Before-callbacks (create, invite, send)
are asked with the lock released, because the app backend may take up to 2 s to answer.

Modules: `base` (documented limits, reading the request, shaping the answer), `notify`
(callbacks and tips), then the endpoints: `lifecycle` (list, create, import, destroy, change
a group), `reading` (group and member info, joined groups, roles), `members` (add, remove,
member fields, mutes, imports; `apply_join` / `quit_group` for the traffic simulator) and
`messages`. Importing this package registers every group endpoint.
"""
from . import lifecycle, messages, reading  # noqa: F401  (registers their endpoints)
from .members import apply_join, quit_group

__all__ = ["apply_join", "quit_group"]
