"""The Bots section: the app's bots (list, create, delete with a typed confirmation) and one
bot's conversations. Every IM call goes through the audited client (one audit row each)."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _

from console import forms
from console.bots import domain
from console.security import role_required, sudo_required
from console.tim.api.bot import MAX_BOTS, PREFIX
from console.ui.outcomes import done
from console.ui.htmx import targets

bp = Blueprint("bots", __name__, url_prefix="/bots")

CHANGED = "bots-changed"


def _checked(bot_id: str) -> str:
    """The bot ID of a page's address; anything that cannot be a bot ID is a 404."""
    if not bot_id.startswith(PREFIX) or bot_id == PREFIX or forms.user_id_problem(bot_id):
        abort(404)
    return bot_id


@bp.route("")
@role_required("viewer")
def index():
    bots = g.tim.bot.get_all_robots().bots
    template = "bots/_list.html" if targets("bot-list") else "bots/index.html"
    return render_template(template, bots=bots, max_bots=MAX_BOTS, prefix=PREFIX)


@bp.route("/create", methods=["POST"])
@role_required("operator")
def create():
    plan = domain.plan_create(request.form)
    g.tim.bot.create_robot(**plan)
    return done(_("Bot %(id)s created (creating an existing bot changes nothing).", id=plan["user_id"]), CHANGED)


@bp.route("/<bot_id>/delete", methods=["POST"])
@role_required("admin")
@sudo_required
def delete(bot_id: str):
    bot_id = _checked(bot_id)
    forms.typed_confirmation(request.form.get("confirm"), bot_id)
    g.tim.bot.delete_robot(bot_id)
    return done(_("Bot %(id)s deleted; its ID stays taken.", id=bot_id), CHANGED)


@bp.route("/<bot_id>")
@role_required("viewer")
def detail(bot_id: str):
    """One bot: its conversations (a page at a time, with IM's cursors)."""
    bot_id = _checked(bot_id)
    cursor = [max(0, request.args.get(a, type=int) or 0) for a in ("ts", "si", "tts", "tsi")]
    page = g.tim.conversation.fetch_sessions(bot_id, *cursor)
    next_args = dict(ts=page.timestamp, si=page.start_index, tts=page.top_timestamp,
                     tsi=page.top_start_index) if page.has_more else None
    return render_template("bots/detail.html", bot_id=bot_id, page=page, next_args=next_args,
                           first=not any(cursor))
