"""Bots: parsing the create form (the limits are the client's)."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from console import forms
from console.forms import FormError
from console.tim.api.bot import MAX_SIGNATURE_BYTES, PREFIX

MAX_NICK_BYTES = 500
MAX_FACE_URL_BYTES = 500


def bot_id(value, name: str = "user_id") -> str:
    """A bot ID: a user ID that starts with @RBT# (the prefix is added when left out)."""
    value = forms.user_id(value, name, _("Bot ID"))
    if not value.startswith(PREFIX):
        value = PREFIX + value
    if value == PREFIX or forms.user_id_problem(value):
        raise FormError(_("A bot ID is @RBT# followed by at most 27 more bytes."), name)
    return value


def plan_create(form: Mapping[str, str]) -> dict:
    """The keyword arguments of client.bot.create_robot for the create form."""
    user_id, nick, face_url, signature = forms.collect(
        lambda: bot_id(form.get("user_id")),
        lambda: forms.text(form.get("nick"), "nick", _("Nickname"), max_bytes=MAX_NICK_BYTES),
        lambda: forms.url(form.get("face_url"), "face_url", _("Picture URL"), max_bytes=MAX_FACE_URL_BYTES),
        lambda: forms.text(form.get("signature"), "signature", _("Signature"), max_bytes=MAX_SIGNATURE_BYTES))
    return {"user_id": user_id, "nick": nick, "face_url": face_url, "signature": signature}
