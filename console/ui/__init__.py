"""Shared web helpers every feature's pages use: navigation, htmx answers, the time filter and
server-rendered charts. Core: it imports no feature."""
from __future__ import annotations

from flask import current_app

from console.ui import avatars, labels
from console.ui.filters import localtime, reltime
from console.ui.nav import account_url, active_section, nav_groups, nav_items
from console.tim.messages import view_body


def avatar_src(url) -> str | None:
    """Template global: `url` when the page may show it (see console.ui.avatars), else None."""
    return avatars.image_url(url, current_app.config.get("TIM_AVATAR_SOURCES") or ())


def init_app(app) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["reltime"] = reltime
    app.jinja_env.globals.update(
        nav_items=nav_items, nav_groups=nav_groups, active_section=active_section, account_url=account_url,
        im_label=labels.label, avatar_src=avatar_src, avatar_initials=avatars.initials,
        avatar_colour=avatars.colour)
    # IM data of any shape: what a page cannot read is shown as an unrecognised element
    app.jinja_env.filters["view_body"] = view_body
