"""Accounts: the directory list (search, filters, sort, keyset pages, bulk actions, CSV export),
adding accounts (one, a CSV/TSV upload as a job, a pasted list checked with account_check) and
the Discover crawl. The account page and its tabs live in accounts_detail / accounts_relations."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from console import db, jobs
from console.accounts import domain as accounts
from console.accounts import jobs as account_jobs
from console.ui.htmx import targets
from console.jobs.progress import card
from console.models import ACCOUNT_SOURCES
from console.security import role_required
from console.accounts.views.common import form_ids, problem

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

MAX_CHECK_IDS = 10_000
MAX_BULK = 1000
BULK_ACTIONS = {"check": "operator", "kick": "operator", "mute": "operator", "delete": "admin"}


def _list_context(query: accounts.ListQuery) -> dict:
    rows, cursor = accounts.list_page(db.session, query)
    return dict(rows=rows, cursor=cursor, query=query, protected=accounts.protected_ids(current_app.config))


@bp.route("")
@role_required("viewer")
def index():
    query = accounts.ListQuery.from_args(request.args)
    ctx = _list_context(query)
    if targets("account-results"):
        return render_template("accounts/_results.html", **ctx)
    return render_template("accounts/index.html", sources=ACCOUNT_SOURCES, sorts=accounts.SORT_LABELS,
                           sizes=accounts.PAGE_SIZES, online_states=accounts.ONLINE_STATES,
                           trial=accounts.is_trial(current_app.config), mute_choices=accounts.MUTE_CHOICES, **ctx)


@bp.route("/count")
@role_required("viewer")
def count():
    """Fragment: how many accounts match the filters (loaded after the list, capped)."""
    query = accounts.ListQuery.from_args(request.args)
    return render_template("accounts/_count.html", query=query, total=accounts.count(db.session, query),
                           cap=accounts.COUNT_CAP)


@bp.route("/export.csv")
@role_required("viewer")
def export():
    query = accounts.ListQuery.from_args(request.args)
    session = db.session

    return Response(stream_with_context(accounts.export_csv(session, query)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=accounts.csv"})


@bp.route("/bulk", methods=["POST"])
@role_required("operator")
def bulk():
    """Start a bulk action on the selected accounts as a job; the answer shows its per-item results."""
    action = request.form.get("action", "")
    if action not in BULK_ACTIONS:
        return problem(_("Choose an action."))
    if not current_user.has_role(BULK_ACTIONS[action]):
        abort(403)
    if request.form.get("scope") == "filtered":
        ids = accounts.matching_ids(db.session, accounts.ListQuery.from_args(request.form), MAX_BULK + 1)
        error = (_("No account matches the filter.") if not ids else
                 _("More than %(n)d accounts match: narrow the filter.", n=MAX_BULK) if len(ids) > MAX_BULK else None)
    else:
        ids, error = form_ids("ids", MAX_BULK)
        if error and not request.form.getlist("ids"):
            error = _("Select at least one account.")
    if error:
        return problem(error)
    params: dict = {}
    if action == "delete":
        if not accounts.is_trial(current_app.config):
            return problem(_("Accounts can only be deleted on trial editions (set TIM_TRIAL=1 if this app is one)."))
        expected = _("delete %(n)d accounts", n=len(ids))
        if request.form.get("confirm", "").strip() != expected:
            return problem(_("To delete, type exactly: %(text)s", text=expected))
    if action == "mute":
        try:
            params = {"c2c": accounts.mute_seconds(request.form.get("c2c")),
                      "group": accounts.mute_seconds(request.form.get("group"))}
        except ValueError:
            return problem(_("Choose a mute duration."))
        if params["c2c"] is None and params["group"] is None:
            return problem(_("Choose a duration for one-to-one and/or group messages."))
    kind = "directory.check" if action == "check" else f"accounts.{action}"
    job = jobs.start(kind, {**params, "source": "imported"}, current_user, items=ids)
    return card(job)


# ---- adding accounts -------------------------------------------------------------------------

@bp.route("/add")
@role_required("viewer")
def add():
    return render_template("accounts/add.html", max_rows=accounts.MAX_CSV_ROWS, max_ids=MAX_CHECK_IDS)


@bp.route("/import", methods=["POST"])
@role_required("operator")
def import_one():
    user_id = request.form.get("user_id", "").strip()
    nick = request.form.get("nick", "").strip()
    face_url = request.form.get("face_url", "").strip()
    problems = accounts.account_problems(user_id, nick, face_url)
    if problems:
        return render_template("accounts/_import_one.html", problems=problems, form=request.form)
    g.tim.account.import_account(user_id, nick or None, face_url or None)
    return render_template("accounts/_import_one.html", imported=user_id, form={})


@bp.route("/csv/preview", methods=["POST"])
@role_required("operator")
def csv_preview():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return problem(_("Choose a CSV or TSV file."))
    parsed = accounts.parse_accounts_csv(upload.read())
    token = None
    if parsed.valid:
        token = accounts.stash_rows(db.session, parsed.valid, current_user.id)
        db.session.commit()
    return render_template("accounts/_csv_preview.html", parsed=parsed, token=token,
                           batches=-(-len(parsed.valid) // accounts.IMPORT_BATCH))


@bp.route("/csv/start", methods=["POST"])
@role_required("operator")
def csv_start():
    """Start the import of the previewed rows (validated again before anything is sent)."""
    rows = accounts.take_rows(db.session, request.form.get("token", ""), current_user.id)
    db.session.commit()
    if not rows:
        return problem(_("The preview expired. Upload the file again."))
    if any(accounts.account_problems(*r) for r in rows) or len({r[0] for r in rows}) != len(rows):
        return problem(_("The preview expired. Upload the file again."))
    job = jobs.start("accounts.import_csv", {"rows": {uid: [nick, face] for uid, nick, face in rows}},
                     current_user, items=[r[0] for r in rows])
    return card(job)


@bp.route("/check", methods=["POST"])
@role_required("operator")
def check():
    """account_check a pasted list (100 per call, as a job); imported IDs join the directory."""
    ids, error = form_ids("ids", MAX_CHECK_IDS)
    if error:
        return problem(error)
    return card(jobs.start("directory.check", {"source": "csv"}, current_user, items=ids))


@bp.route("/discover", methods=["POST"])
@role_required("operator")
def discover():
    """Walk every group's members, then the friend list of every account known now."""
    items = account_jobs.discover_items(db.session)
    return card(jobs.start("accounts.discover", {}, current_user, items=items))


