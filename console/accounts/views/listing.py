"""Accounts: the directory list (search, filters, sort, keyset pages, bulk actions, CSV export),
adding accounts (one, a CSV/TSV upload as a job, a pasted list checked with account_check) and
the Discover crawl. The account page and its tabs live in the detail and relations modules."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from console import db, forms, jobs
from console.forms import FormError
from console.accounts import domain as accounts
from console.accounts import jobs as account_jobs
from console.ui.htmx import targets, trigger
from console.jobs.progress import card
from console.models import ACCOUNT_SOURCES
from console.security import role_required, sudo_required

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

MAX_CHECK_IDS = 10_000


def _list_context(query: accounts.ListQuery) -> dict:
    rows, cursor = accounts.list_page(db.session, query)
    return dict(rows=rows, cursor=cursor, query=query, protected=accounts.protected_ids(current_app.config),
                trial=accounts.is_trial(current_app.config))


@bp.route("")
@role_required("viewer")
def index():
    query = accounts.ListQuery.from_args(request.args)
    ctx = _list_context(query)
    if targets("account-results"):
        return render_template("accounts/_results.html", **ctx)
    return render_template("accounts/index.html", sources=ACCOUNT_SOURCES, sorts=accounts.SORT_LABELS,
                           sizes=accounts.PAGE_SIZES, online_states=accounts.ONLINE_STATES,
                           mute_choices=accounts.MUTE_CHOICES, **ctx)


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
@sudo_required(when=lambda: request.form.get("action") == "delete")
def bulk():
    """Start a bulk action on the selected accounts as a job; the answer shows its per-item results."""
    needs = accounts.BULK_ACTIONS.get(request.form.get("action", ""))
    if needs and not current_user.has_role(needs):
        abort(403)
    kind, ids, params = accounts.plan_bulk(request.form, db.session, current_app.config)
    action = request.form["action"]
    if request.form.get("scope") == "filtered" and action != "delete":
        # the filter's accounts are named in a dialog first (delete already asks to type the count)
        return _dialog(action, ids, prefill=request.form)
    return card(jobs.start(kind, params, current_user, items=ids)), 200, trigger("selection-clear")


@bp.route("/dialog/<action>")
@role_required("operator")
def row_dialog(action: str):
    """Fragment: the dialog of a bulk action on the given rows, naming the count and who; it posts
    to `bulk`."""
    needs = accounts.BULK_ACTIONS.get(action)
    if not needs:
        abort(404)
    if not current_user.has_role(needs) or (action == "delete" and not accounts.is_trial(current_app.config)):
        abort(403)
    return _dialog(action, forms.user_ids(request.args.getlist("ids"), "ids", _("Accounts"), limit=accounts.MAX_BULK))


def _dialog(action: str, ids: list[str], prefill=None):
    """The dialog naming the accounts an action will touch; protected ones are left out (they are
    never acted on) and said so."""
    protected = accounts.protected_ids(current_app.config)
    return render_template("accounts/_row_dialog.html", action=action, mute_choices=accounts.MUTE_CHOICES,
                           ids=[i for i in ids if i not in protected], skipped=[i for i in ids if i in protected],
                           prefill=prefill or {})


# ---- adding accounts -------------------------------------------------------------------------

@bp.route("/add")
@role_required("viewer")
def add():
    return render_template("accounts/add.html", max_rows=accounts.MAX_CSV_ROWS, max_ids=MAX_CHECK_IDS)


@bp.route("/import", methods=["POST"])
@role_required("operator")
def import_one():
    user_id, nick, face_url = accounts.plan_account(*(request.form.get(k, "").strip()
                                                      for k in ("user_id", "nick", "face_url")))
    g.tim.account.import_account(user_id, nick, face_url)
    return render_template("accounts/_import_one.html", imported=user_id, form={})


@bp.route("/csv/preview", methods=["POST"])
@role_required("operator")
def csv_preview():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise FormError(_("Choose a CSV or TSV file."), "file")
    parsed = accounts.parse_accounts_csv(upload.read(), accounts.protected_ids(current_app.config))
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
    protected = accounts.protected_ids(current_app.config)
    if (not rows or any(accounts.account_problems(*r) or r[0] in protected for r in rows)
            or len({r[0] for r in rows}) != len(rows)):
        raise FormError(_("The preview expired. Upload the file again."))
    job = jobs.start("accounts.import_csv", {"rows": {uid: [nick, face] for uid, nick, face in rows}},
                     current_user, items=[r[0] for r in rows])
    return card(job)


@bp.route("/check", methods=["POST"])
@role_required("operator")
def check():
    """account_check a pasted list (100 per call, as a job); imported IDs join the directory."""
    ids = forms.user_ids(request.form.getlist("ids"), "ids", _("User IDs"), limit=MAX_CHECK_IDS)
    return card(jobs.start("directory.check", {"source": "csv"}, current_user, items=ids))


@bp.route("/discover", methods=["POST"])
@role_required("operator")
def discover():
    """Walk every group's members, then the friend list of every account known now."""
    items = account_jobs.discover_items(db.session)
    return card(jobs.start("accounts.discover", {}, current_user, items=items))


