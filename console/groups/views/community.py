"""Communities: the list of communities, and a community's Topics and Permission groups tabs, with
a page per topic (profile, topic-scoped history and sending, disband) and per permission group
(profile, members, topic permissions, disband).

Topics and permission groups are named by query arguments (`?topic=`, `?pg=`) or form fields:
their IDs hold `@` and `#`. Invalid forms raise `console.forms.FormError`, which console.errors
answers beside the form."""
from __future__ import annotations

from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from console.forms import FormError
from console.groups import domain
from console.groups import domain_community as dc
from console.groups.views.common import bp, done, load_group, outcomes, tab_url
from console.security import role_required, sudo_required
from console.tim import TimError
from console.tim.api import community as cm


def _reader(group) -> str:
    """Whose own state get_topic reports alongside each topic: the owner, else the app admin."""
    return group.owner or current_app.config["TIM_ADMIN"]


def _topics_url(group_id: str) -> str:
    return tab_url("topics", group_id)


def _topic_url(group_id: str, topic_id: str) -> str:
    return url_for("groups.topic", group_id=group_id, topic=topic_id)


def _pg_url(group_id: str, pg_id: str) -> str:
    return url_for("groups.permission_group", group_id=group_id, pg=pg_id)


def _page(fetch, cursor: str):
    """One page from `fetch`; a cursor IM refuses (typed, or stale) is a bad request, not an IM failure."""
    try:
        return fetch()
    except TimError as exc:
        if cursor and exc.code in (0, 10004):
            abort(400)
        raise


def _items(result) -> list[domain.ItemOutcome]:
    return [domain.ItemOutcome(str(i.id), i.ok, "" if i.ok else (i.info or domain.hint_for(i.code)), i.code)
            for i in result.items]


@bp.route("/communities")
@role_required("viewer")
def communities():
    cursor = request.args.get("next", 0, type=int) or 0
    page = g.tim.group.fetch_groups(domain.LIST_PAGE, cursor, "Community", {"GroupBaseInfoFilter": domain.CACHE_FIELDS})
    return render_template("groups/communities.html", page=page, cursor=cursor)


# ---- topics ------------------------------------------------------------------------------------

@bp.route("/<path:group_id>/topics")
@role_required("viewer")
def topics(group_id: str):
    group = load_group(group_id)
    no = domain.forbidden(group.type)
    enabled = "topics" not in no and bool(group.support_topic)
    listed = g.tim.community.get_topics(group.id, _reader(group)).items if enabled else []
    return render_template("groups/topics.html", group=group, tab="topics", no=no, enabled=enabled,
                           topics=listed, limits=cm)


@bp.route("/<path:group_id>/topics/create", methods=["POST"])
@role_required("operator")
def create_topic(group_id: str):
    group = load_group(group_id, need="topics")
    importing = request.form.get("action") == "import"
    plan = dc.plan_topic(request.form, group.id, importing=importing)
    call = g.tim.community.import_topic if importing else g.tim.community.create_topic
    created = call(group.id, **plan)
    return done(_("Topic %(name)s is ready.", name=plan["name"]), _topic_url(group.id, created.topic_id))


@bp.route("/<path:group_id>/topic")
@role_required("viewer")
def topic(group_id: str):
    group = load_group(group_id, need="topics")
    tid = dc.topic_id(request.args.get("topic"), group.id)
    found = g.tim.community.get_topics(group.id, _reader(group), [tid]).items[0]
    if not found.ok:
        abort(404)
    seq = request.args.get("seq", type=int)
    history = g.tim.group.fetch_messages(group.id, domain.HISTORY_PAGE, seq if seq and seq > 0 else None,
                                         with_recalled=True, topic_id=tid)
    return render_template("groups/topic.html", group=group, tab="topics", no=domain.forbidden(group.type),
                           topic=found, page=history, seq=seq, limits=cm)


@bp.route("/<path:group_id>/topic/edit", methods=["POST"])
@role_required("operator")
def edit_topic(group_id: str):
    group = load_group(group_id, need="topics")
    tid = dc.topic_id(request.form.get("topic_id"), group.id)
    g.tim.community.update_topic(group.id, tid, **dc.plan_topic_edit(request.form))
    return done(_("Topic saved."), _topic_url(group.id, tid))


@bp.route("/<path:group_id>/topic/send", methods=["POST"])
@role_required("operator")
def send_topic(group_id: str):
    group = load_group(group_id, need="topics")
    tid = dc.topic_id(request.form.get("topic_id"), group.id)
    sent = g.tim.group.send_message(group.id, topic_id=tid, **domain.plan_send(request.form))
    if sent.drop_reason:
        raise FormError(_("IM dropped the message: %(reason)s", reason=sent.drop_reason))
    return done(_("Sent as seq %(seq)d.", seq=sent.msg_seq), _topic_url(group.id, tid))


@bp.route("/<path:group_id>/topic/disband", methods=["POST"])
@role_required("admin")
@sudo_required
def disband_topic(group_id: str):
    group = load_group(group_id, need="topics")
    tid = dc.topic_id(request.form.get("topic_id"), group.id)
    result = g.tim.community.destroy_topics(group.id, [tid])
    if not result.items[0].ok:
        raise FormError(result.items[0].info or domain.hint_for(result.items[0].code))
    return done(_("Topic %(id)s was disbanded.", id=tid), _topics_url(group.id))


# ---- permission groups -------------------------------------------------------------------------

@bp.route("/<path:group_id>/permission-groups")
@role_required("viewer")
def permission_groups(group_id: str):
    group = load_group(group_id)
    no = domain.forbidden(group.type)
    cursor = (request.args.get("next") or "")[:256]
    page = None if "topics" in no else _page(lambda: g.tim.community.fetch_permission_groups(group.id, next=cursor),
                                             cursor)
    return render_template("groups/permission_groups.html", group=group, tab="permissions", no=no, page=page,
                           cursor=cursor, bits_set=dc.bits_set)


@bp.route("/<path:group_id>/permission-groups/create", methods=["POST"])
@role_required("operator")
def create_permission_group(group_id: str):
    group = load_group(group_id, need="topics")
    plan = dc.plan_permission_group(request.form)
    created = g.tim.community.create_permission_group(group.id, **plan)
    return done(_("Permission group %(name)s is ready.", name=plan["name"]),
                _pg_url(group.id, created.permission_group_id))


@bp.route("/<path:group_id>/permission-group")
@role_required("viewer")
def permission_group(group_id: str):
    group = load_group(group_id, need="topics")
    pg_id = dc.permission_group_id(request.args.get("pg"))
    found = g.tim.community.get_permission_group(group.id, pg_id)
    cursor = (request.args.get("next") or "")[:256]
    members = _page(lambda: g.tim.community.fetch_permission_group_members(group.id, pg_id, next=cursor), cursor)
    grants = g.tim.community.get_topic_permissions(group.id, pg_id).items
    topic_names = {}
    if group.support_topic:
        topic_names = {t.id: t.name for t in g.tim.community.get_topics(group.id, _reader(group)).items}
    return render_template("groups/permission_group.html", group=group, tab="permissions",
                           no=domain.forbidden(group.type), pg=found, members=members, cursor=cursor,
                           grants=grants, topic_names=topic_names, bits_set=dc.bits_set)


def _pg_form() -> str:
    return dc.permission_group_id(request.form.get("pg"))


@bp.route("/<path:group_id>/permission-group/edit", methods=["POST"])
@role_required("operator")
def edit_permission_group(group_id: str):
    group = load_group(group_id, need="topics")
    pg_id = _pg_form()
    g.tim.community.update_permission_group(group.id, pg_id, **dc.plan_permission_group_edit(request.form))
    return done(_("Permission group saved."), _pg_url(group.id, pg_id))


@bp.route("/<path:group_id>/permission-group/disband", methods=["POST"])
@role_required("admin")
@sudo_required
def disband_permission_group(group_id: str):
    group = load_group(group_id, need="topics")
    pg_id = _pg_form()
    result = g.tim.community.destroy_permission_groups(group.id, [pg_id])
    if not result.items[0].ok:
        raise FormError(result.items[0].info or domain.hint_for(result.items[0].code))
    return done(_("Permission group %(id)s was disbanded.", id=pg_id), tab_url("permission_groups", group.id))


@bp.route("/<path:group_id>/permission-group/members", methods=["POST"])
@role_required("operator")
def permission_group_members(group_id: str):
    group = load_group(group_id, need="topics")
    pg_id = _pg_form()
    ids = dc.plan_members(request.form)
    if request.form.get("action") == "remove":
        result = g.tim.community.delete_permission_group_members(group.id, pg_id, ids)
        return outcomes(_("Remove members"), _items(result))
    result = g.tim.community.add_permission_group_members(group.id, pg_id, ids)
    return outcomes(_("Add members"), _items(result))


@bp.route("/<path:group_id>/permission-group/topics", methods=["POST"])
@role_required("operator")
def permission_group_topics(group_id: str):
    group = load_group(group_id, need="topics")
    pg_id = _pg_form()
    action = request.form.get("action")
    if action == "remove":
        tid = dc.topic_id(request.form.get("topic_id"), group.id)
        result = g.tim.community.delete_topic_permissions(group.id, pg_id, [tid])
    elif action == "set":
        result = g.tim.community.set_topic_permissions(group.id, pg_id, dc.plan_topic_permission(request.form, group.id))
    else:
        result = g.tim.community.add_topic_permissions(group.id, pg_id, dc.plan_topic_permission(request.form, group.id))
    if not all(i.ok for i in result.items):
        return outcomes(_("Topic permissions"), _items(result))
    return done(_("Topic permissions saved."), _pg_url(group.id, pg_id))
