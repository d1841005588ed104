"""Groups pages: the list (live from IM, or searched in the local cache), create, import, the group
page with its edit and destroy forms. The members and messages tabs live in members.py and messages.py."""
from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from console import db, forms
from console.errors import status_for_im_error
from console.forms import FormError
from console.groups import jobs as group_jobs
from console.groups import domain
from console.ui.htmx import wants_fragment
from console.security import role_required, sudo_required
from console.tim import TimError
from console.groups.views.common import bp, done, hint, load_group

__all__ = ["bp"]


@bp.route("")
@role_required("viewer")
def index():
    group_type = request.args.get("type") or None
    if group_type not in (None, *domain.TYPES):
        group_type = None
    q = (request.args.get("q") or "").strip()[:128]
    cached_total, refreshed = domain.cache_stats(db.session)
    ctx = dict(group_type=group_type, q=q, types=domain.TYPES, cached_total=cached_total, refreshed=refreshed)
    if q:
        offset = forms.query_int(request.args, "offset", default=0, hi=forms.UINT32_MAX, clamp=True)
        rows, total = domain.search_cache(db.session, q, group_type, offset)
        return render_template("groups/index.html", mode="cache", rows=rows, total=total, offset=offset,
                               next_offset=offset + len(rows) if offset + len(rows) < total else None, **ctx)
    cursor = forms.query_int(request.args, "next", default=0)
    page = g.tim.group.fetch_groups(domain.LIST_PAGE, cursor, group_type,
                                    {"GroupBaseInfoFilter": domain.CACHE_FIELDS})
    domain.cache_groups(db.session, page.groups)   # browsing keeps the cache fresh too
    db.session.commit()
    return render_template("groups/index.html", mode="live", rows=page.groups, total=page.total,
                           next_cursor=page.next if page.has_more else None, **ctx)


@bp.route("/refresh", methods=["POST"])
@role_required("operator")
def refresh():
    group_type = forms.choice(request.form.get("type"), "type", _("Group type"), domain.TYPES)
    job = group_jobs.start_refresh(g.tim, current_user, group_type)
    return render_template("groups/_refresh_job.html", job=job)


# ---- create and import ----------------------------------------------------------------------

def _form_context() -> dict:
    return dict(types=domain.TYPES, import_types=domain.IMPORT_TYPES, apply_options=domain.APPLY_OPTIONS,
                invite_options=domain.INVITE_OPTIONS, rules={t: domain.forbidden(t) for t in domain.TYPES})


def _form_page(template: str, status: int = 200, **ctx):
    ctx.setdefault("form", {})
    return render_template(template, **_form_context(), **ctx), status


def _make(template: str, plan, call):
    """Plan the create/import form (a FormError shows the form again), call IM, open the new group."""
    kwargs = plan(request.form)
    try:
        created = call(**kwargs)
    except TimError as exc:
        return _form_page(template, status_for_im_error(exc.code), form=request.form,
                          error=_("IM error %(code)s: %(info)s", code=exc.code, info=exc.info),
                          error_hint=hint(exc.code))
    try:
        domain.cache_groups(db.session, [g.tim.group.get_group(created.group_id)])
        db.session.commit()
    except TimError:
        pass  # the group exists; the cache catches up at the next refresh
    return done(_("Group %(id)s is ready.", id=created.group_id),
                url_for("groups.detail", group_id=created.group_id))


@bp.route("/new", methods=["GET", "POST"])
@role_required("operator")
@forms.page("groups/new.html", _form_context)
def create():
    if request.method == "GET":
        return _form_page("groups/new.html", form={"type": request.args.get("type", "Public")})
    return _make("groups/new.html", domain.plan_create, g.tim.group.create_group)


@bp.route("/import", methods=["GET", "POST"])
@role_required("operator")
@forms.page("groups/import.html", _form_context)
def import_group():
    if request.method == "GET":
        return _form_page("groups/import.html", form={"type": "Public"})
    return _make("groups/import.html", domain.plan_import, g.tim.group.import_group)


# ---- the group page ---------------------------------------------------------------------------

def _layout(group, tab: str, **ctx):
    return dict(group=group, tab=tab, no=domain.forbidden(group.type), **ctx)


@bp.route("/<path:group_id>")
@role_required("viewer")
def detail(group_id: str):
    group = load_group(group_id)
    online = None
    if group.type == "AVChatRoom":
        online = g.tim.group.get_online_member_num(group.id)
    return render_template("groups/detail.html", **_layout(
        group, "overview", online=online, custom_text=domain.custom_text(group.custom),
        apply_options=domain.APPLY_OPTIONS, invite_options=domain.INVITE_OPTIONS))


@bp.route("/<path:group_id>/edit", methods=["POST"])
@role_required("operator")
def edit(group_id: str):
    group = load_group(group_id)
    changes = domain.plan_edit(request.form, group)
    g.tim.group.update_group(group.id, **changes)
    domain.cache_groups(db.session, [g.tim.group.get_group(group.id)])
    db.session.commit()
    return done(_("Saved."), url_for("groups.detail", group_id=group.id))


@bp.route("/<path:group_id>/destroy", methods=["POST"])
@role_required("admin")
@sudo_required
def destroy(group_id: str):
    typed = (request.form.get("confirm") or "").strip()
    if not typed or typed != group_id:
        raise FormError(_("Type the group ID exactly to destroy the group."), "confirm")
    g.tim.group.destroy_group(group_id)
    domain.uncache(db.session, group_id)
    db.session.commit()
    return done(_("Group %(id)s was destroyed.", id=group_id), url_for("groups.index"))


@bp.route("/<path:group_id>/online")
@role_required("viewer")
def online(group_id: str):
    """Fragment: an AVChatRoom's online member count (the page polls it)."""
    if not wants_fragment():
        abort(404)
    count = g.tim.group.get_online_member_num(group_id)
    return render_template("groups/_online.html", group_id=group_id, online=count)

