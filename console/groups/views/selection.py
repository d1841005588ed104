"""The groups list's selection: the dialog of an action on ticked groups (or one row's ⋯ menu) and
the action itself, with a result per group. Destroying asks for a typed confirmation naming the count."""
from __future__ import annotations

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from console import db, forms
from console.forms import FormError
from console.groups import domain, rows
from console.groups.views.common import bp, outcomes
from console.security import role_required, sudo_required
from console.ui.htmx import trigger_all


def _group_ids(values: list[str]) -> list[str]:
    label = _("Groups")
    ids = list(dict.fromkeys(forms.group_id(v, "ids", label, required=True) for v in values if v.strip()))
    if not ids:
        raise FormError(_("Select at least one group."), "ids")
    if len(ids) > rows.DESTROY_MAX:
        raise FormError(_("At most %(n)d groups at a time.", n=rows.DESTROY_MAX), "ids")
    return ids


def typed_destroy(n: int) -> str:
    return ngettext("destroy %(num)d group", "destroy %(num)d groups", n)


@bp.route("/bulk/dialog/destroy")
@role_required("admin")
def destroy_dialog():
    ids = _group_ids(request.args.getlist("ids"))
    return render_template("groups/_destroy_dialog.html", ids=ids, typed=typed_destroy(len(ids)))


@bp.route("/bulk/destroy", methods=["POST"])
@role_required("admin")
@sudo_required
def destroy_many():
    ids = _group_ids(request.form.getlist("ids"))
    if (request.form.get("confirm") or "").strip() != typed_destroy(len(ids)):
        raise FormError(_("To destroy, type exactly: %(text)s", text=typed_destroy(len(ids))), "confirm")
    results = rows.destroy(g.tim.group, ids)
    for r in results:
        if r.ok:
            domain.uncache(db.session, r.item)
    db.session.commit()
    n = sum(1 for r in results if r.ok)
    return (outcomes(ngettext("%(num)d group destroyed.", "%(num)d groups destroyed.", n), results), 200,
            trigger_all("groups-changed", "selection-clear"))
