"""Moderation services (`/moderation-services`): IM's own keyword lists (local: the list the
client SDKs filter with; cloud: keyword libraries cloud moderation matches), a content check,
and banning or unbanning a chat file by URL. The console's own rules for callbacks live on the
Events rules page; this section only reads and writes IM's services."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from console import forms
from console.safety import domain
from console.security import role_required, sudo_required
from console.tim.api.moderation import CONTENT_TYPES, LABELS, MAX_PAGE, SCENES
from console.ui.htmx import targets
from console.ui.outcomes import done, item_results

bp = Blueprint("safety", __name__, url_prefix="/moderation-services")

LOCAL_CHANGED, CLOUD_CHANGED = "local-keywords-changed", "cloud-keywords-changed"


def _tabs() -> list[tuple]:
    return [("local", _("Local keywords"), url_for("safety.index")),
            ("cloud", _("Cloud keywords"), url_for("safety.cloud")),
            ("check", _("Content check"), url_for("safety.check_page")),
            ("files", _("Chat files"), url_for("safety.files"))]


def _offset() -> int:
    return max(0, request.args.get("offset", type=int) or 0)


# ---- local keywords ----------------------------------------------------------------------------

@bp.route("")
@role_required("viewer")
def index():
    query = (request.args.get("q") or "").strip()[:domain.MAX_WORD_BYTES]
    page = g.tim.moderation.fetch_local_keywords(_offset(), MAX_PAGE, keyword=query or None)
    template = "safety/_local_list.html" if targets("local-list") else "safety/local.html"
    return render_template(template, tabs=_tabs(), tab="local", page=page, q=query, offset=_offset(),
                           word_types=domain.WORD_TYPES, filter_types=domain.FILTER_TYPES)


@bp.route("/local/add", methods=["POST"])
@role_required("operator")
@sudo_required
def local_add():
    found = domain.words(request.form.get("words"))
    return _local_add(domain.plan_local(request.form, found))


@bp.route("/local/import", methods=["POST"])
@role_required("operator")
@sudo_required
def local_import():
    found = domain.file_words(request.files.get("file"))
    return _local_add(domain.plan_local(request.form, found))


def _local_add(specs):
    g.tim.moderation.add_local_keywords(specs)
    return done(ngettext("%(num)d local keyword added.", "%(num)d local keywords added.", len(specs)), LOCAL_CHANGED)


@bp.route("/local/delete", methods=["POST"])
@role_required("operator")
@sudo_required
def local_delete():
    ids = domain.keyword_ids(request.form.getlist("ids"))
    g.tim.moderation.delete_local_keywords(ids)
    return done(ngettext("%(num)d local keyword removed.", "%(num)d local keywords removed.", len(ids)),
                LOCAL_CHANGED)


# ---- cloud keyword libraries -------------------------------------------------------------------

@bp.route("/cloud")
@role_required("viewer")
def cloud():
    libraries = g.tim.moderation.list_libraries()
    chosen = request.args.get("lib") or (libraries[0].id if libraries else "")
    library = next((lib for lib in libraries if lib.id == chosen), None)
    query = (request.args.get("q") or "").strip()[:domain.MAX_WORD_BYTES]
    page = g.tim.moderation.fetch_cloud_keywords(library.id, _offset(), MAX_PAGE, query or None) if library else None
    template = "safety/_cloud_list.html" if targets("cloud-list") else "safety/cloud.html"
    return render_template(template, tabs=_tabs(), tab="cloud", libraries=libraries, library=library, page=page,
                           q=query, offset=_offset(), labels=LABELS)


def _library_id() -> str:
    return forms.text(request.form.get("lib"), "lib", _("Library"), max_bytes=128, required=True)


@bp.route("/cloud/add", methods=["POST"])
@role_required("operator")
@sudo_required
def cloud_add():
    return _cloud_add(lambda: domain.words(request.form.get("words")))


@bp.route("/cloud/import", methods=["POST"])
@role_required("operator")
@sudo_required
def cloud_import():
    return _cloud_add(lambda: domain.file_words(request.files.get("file")))


def _cloud_add(read_words):
    lib = _library_id()
    found = domain.plan_cloud(request.form, read_words())
    g.tim.moderation.add_cloud_keywords(lib, found)
    return done(ngettext("%(num)d cloud keyword added.", "%(num)d cloud keywords added.", len(found)), CLOUD_CHANGED)


@bp.route("/cloud/delete", methods=["POST"])
@role_required("operator")
@sudo_required
def cloud_delete():
    lib = _library_id()
    found = domain.words("\n".join(request.form.getlist("words")), limit=domain.MAX_PAGE_WORDS)
    result = g.tim.moderation.delete_cloud_keywords(lib, found)
    return item_results(result, _("Remove cloud keywords"), CLOUD_CHANGED)


# ---- content check -----------------------------------------------------------------------------

@bp.route("/check")
@role_required("viewer")
def check_page():
    return render_template("safety/check.html", tabs=_tabs(), tab="check", scenes=SCENES,
                           content_types=CONTENT_TYPES, text=request.args.get("text", "")[:2000])


@bp.route("/check", methods=["POST"])
@role_required("viewer")
def check():
    """Ask cloud moderation about a text (or a file's URL); nothing is stored or sent to anyone."""
    verdict = g.tim.moderation.moderate(**domain.plan_check(request.form))
    return render_template("safety/_verdict.html", verdict=verdict)


# ---- chat files --------------------------------------------------------------------------------

@bp.route("/files")
@role_required("viewer")
def files():
    return render_template("safety/files.html", tabs=_tabs(), tab="files")


def _file(method: str, message: str):
    """Ban or unban the chat file of the form's URL."""
    url = forms.url(request.form.get("url"), "url", _("File URL"), required=True)
    getattr(g.tim.moderation, method)(url)
    return done(message % {"url": url})


@bp.route("/files/ban", methods=["POST"])
@role_required("operator")
@sudo_required
def file_ban():
    return _file("ban_file", _("Banned: the SDKs can no longer fetch %(url)s."))


@bp.route("/files/unban", methods=["POST"])
@role_required("operator")
@sudo_required
def file_unban():
    return _file("unban_file", _("Unbanned: %(url)s can be fetched again."))
