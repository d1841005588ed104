"""Error pages and htmx-aware error answers, and the one answer to an invalid form.

A failed htmx request must never swap an error page into a table cell: for those, the answer is a
toast fragment, retargeted with `HX-Retarget: #toasts` / `HX-Reswap: beforeend`, that names the IM
error code and says in plain words what to do about it. A `console.forms.FormError` is answered
with its problems (see `form_problems`).
"""
from __future__ import annotations

import logging

from urllib.parse import urlparse

from flask import g, render_template, request
from markupsafe import Markup
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from console import db
from console.tim import TimError
from console.tim import text as tim_text
from console.forms import INT64_MAX, CleanParameters, FormError
from console.ui.htmx import toast, trigger, wants_fragment

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = {60007, 60011, 60018, 60019}
#: IM codes meaning "the account or group you named does not exist" (each service has its own,
#: spec endpoints-users-messages §0.3): a full page answers 404
ACCOUNT_NOT_FOUND_CODES = {70107, 40003, 30003, 20003, 90012, 90048, 50001}
NOT_FOUND_CODES = ACCOUNT_NOT_FOUND_CODES | {10010, 10015}


#: IM codes that are IM's (or the console's settings') fault, not the request's: a full page
#: answers 502. Internal errors and timeouts (spec: "internal error; retry"), the settings codes.
UPSTREAM_CODES = frozenset({1003, 10002, 20004, 20005, 30006, 30007, 40006, 50004, 50005, 60008, 70169,
                            70202, 70500, 90992, 91000, 130014, 60006, 60010, 60016, 60020, 60021,
                            *range(70001, 70021)})


def status_for_im_error(code: int) -> int:
    """The HTTP status of a full page that failed on an IM error: 502 when IM (or the console's
    settings) failed; a 4xx when IM refused the request as made (hostile or mistaken input is
    the client's error, never a 5xx)."""
    if code in NOT_FOUND_CODES:
        return 404
    if code == 0:  # invalid argument, refused before sending
        return 400
    if code in RATE_LIMIT_CODES:
        return 429
    if code < 0 or code in UPSTREAM_CODES:
        return 502
    return 422

# Plain-language hints for the IM error codes an operator is most likely to meet.
HINTS = {
    -1: _l("The IM service could not be reached. Check the network, the region setting, or try again."),
    0: _l("The request was not sent: an argument is invalid."),
    -3: _l("IM answered in a shape the console cannot read. The answer is kept in the audit log."),
    60007: _l("Too many requests to this IM API. Wait a moment and try again."),
    60011: _l("The app's total request rate is over its limit. Wait a moment and try again."),
    60018: _l("Too many requests. Wait a moment and try again."),
    60019: _l("Too many requests. Wait a moment and try again."),
    60006: _l("The SDKAppID is invalid. Check TIM_APP_ID."),
    60010: _l("The configured identifier is not an App admin. Check TIM_ADMIN."),
    60016: _l("This SDKAppID is disabled in Tencent's console."),
    60020: _l("The app's paid package has expired."),
    60021: _l("The console's IP address is not on the app's REST allow-list."),
    70001: _l("The admin UserSig expired. The console renews it; if this persists, check the server clock."),
    70003: _l("The admin UserSig could not be verified. Check TIM_SECRET."),
    70009: _l("The secret key does not match this SDKAppID. Check TIM_SECRET."),
    70013: _l("The identifier does not match the UserSig. Check TIM_ADMIN."),
    70014: _l("The SDKAppID does not match the UserSig. Check TIM_APP_ID."),
    70016: _l("Key not found: the SDKAppID may belong to another region. Check TIM_REGION."),
    70020: _l("SDKAppID not found: it may belong to another region. Check TIM_REGION."),
    70050: _l("Too many failed signature checks. Wait a minute before retrying."),
    70107: _l("This account was never imported into IM."),
    70398: _l("The app has reached its account limit for this edition."),
    70402: _l("IM rejected a parameter as invalid."),
    71000: _l("Only accounts of trial editions can be deleted."),
    10004: _l("This group type does not support the operation (e.g. AVChatRoom)."),
    10007: _l("No permission for this operation in this group."),
    10010: _l("The group does not exist or was dismissed."),
    10015: _l("The group ID is invalid."),
    10016: _l("A before-callback of the app refused the operation."),
    10019: _l("A user in the list does not exist."),
    20006: _l("A before-callback of the app refused the message."),
    80001: _l("The text hit the content filter."),
}


def hint_for(code: int | None) -> str:
    if code is None:
        return ""
    hint = HINTS.get(code)
    if hint is None and code in ACCOUNT_NOT_FOUND_CODES:
        hint = HINTS[70107]
    if hint is None and 70001 <= code <= 70020:
        hint = _l("The IM service rejected the console's credentials. Check the settings.")
    return str(hint or _l("The IM service refused the request."))


def error_page(status: int, title: str, message: str = "", *, code: int | None = None,
               hint: str | None = None):
    """A toast for htmx, else the error page; `hint` defaults to the plain hint of IM `code`."""
    if hint is None and code is not None:
        hint = hint_for(code)
    if wants_fragment():
        # htmx does not swap 4xx/5xx by default; answer 200 so the toast is shown.
        return toast(title + (": " + message if message else ""), code=code, hint=hint)
    return render_template("error.html", status=status, title=title, message=message, code=code,
                           hint=hint), status


def im_error_page(exc: TimError, hint: str | None = None):
    """The answer to a failed IM call (already audited): its code, its text and what to do."""
    return error_page(status_for_im_error(exc.code), str(_l("IM error %(code)s", code=exc.code)),
                      exc.info or "", code=exc.code, hint=hint)


def form_problems(exc: FormError):
    """The answer to an invalid form, for htmx and full pages alike.

    - htmx: a toast listing the problems (retargeted: the form being filled in is never replaced;
      200, since htmx swaps no 4xx), and the `form-problems` event with {"fields": {field:
      message}} (nested: htmx reads a top-level "target" key as the element to fire on), for the
      page to show each problem beside its field;
    - a full-page form view decorated with `console.forms.page`: its page again, with the
      submitted values and the problems beside the fields (400);
    - anything else: a page listing the problems, with a link back to the form (400).
    """
    db.session.rollback()
    if wants_fragment():
        fields = {name: message for name, message in exc.problems.items() if name}
        return toast(str(_l("Check the form")), problems=exc.messages,
                     headers=trigger("form-problems", {"fields": fields}) if fields else {})
    form_page = g.get("form_page")
    if form_page is not None:
        template, context = form_page
        return render_template(template, **{**context(), "form": request.form, "problems": exc.problems}), 400
    back = request.referrer if request.referrer and urlparse(request.referrer).netloc == request.host else None
    return render_template("forms/problems.html", problems=exc.problems, back=back), 400


def _out_of_bounds(exc: BaseException) -> bool:
    """An OverflowError (SQLite: an integer beyond 64 bits), a RecursionError (nesting), or the
    database refusing a value as out of range, raised while handling a request."""
    if isinstance(exc, (OverflowError, RecursionError)):
        return True
    if isinstance(exc, DBAPIError):
        orig = getattr(exc, "orig", None)
        return isinstance(orig, (OverflowError, RecursionError)) or \
            getattr(orig, "sqlstate", None) in ("22003", "22021", "22P05")  # out of range, bad text
    return False


def answer_on_error(answer) -> None:
    """Name the answer (a callable returning a response) this request gives should it fail from
    now on: a page that has done something that cannot be undone (started a job) shows it, never
    a 500 that invites the operator to do it again."""
    g.answer_on_error = answer


def init_app(app) -> None:
    app.register_error_handler(FormError, form_problems)

    titles = {
        400: _l("Bad request"), 401: _l("Please sign in"), 403: _l("Forbidden"), 404: _l("Not found"),
        405: _l("Method not allowed"), 413: _l("Upload too large"), 429: _l("Too many attempts"),
        500: _l("Something went wrong"), 503: _l("Service unavailable"),
    }
    messages = {
        400: _l("The request was not understood."),
        403: _l("Your role does not allow this page or action."),
        405: _l("This address does not accept that method."),
        404: _l("There is nothing at this address."),
        429: _l("Too many attempts. Wait a minute, then try again."),
        500: _l("The error was logged. Try again, or tell an administrator."),
    }

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code in (301, 302, 303, 307, 308) or exc.code is None or exc.code < 400:
            return exc
        message = messages.get(exc.code) or exc.description  # custom descriptions are translated
        return error_page(exc.code, str(titles.get(exc.code, exc.name)), str(message or ""))

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return error_page(400, str(_l("Security check failed")),
                          str(_l("The form expired or was sent from another site. Reload the page and retry.")))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        fallback = g.pop("answer_on_error", None)
        if isinstance(exc, TimError) and fallback is None:
            return im_error_page(exc)
        if fallback is None and _out_of_bounds(exc):
            # a number or a nesting no parser bounded reached the database or a recursive walk:
            # the request's fault (console.forms has the parser that should have caught it)
            log.warning("input out of bounds on %s %s: %r", request.method, request.path, exc)
            return error_page(400, str(titles[400]), str(messages[400]))
        log.exception("unhandled error on %s %s", request.method, request.path)
        if fallback is not None:
            try:
                return fallback()
            except Exception:  # noqa: BLE001 - then the plain error page below
                log.exception("the fallback answer failed too on %s %s", request.method, request.path)
                db.session.rollback()
        return error_page(500, str(titles[500]), str(messages[500]))


# ---- hostile input, at the one place every request goes through ----------------------------

class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: at most 2^63-1 (a database id), so a longer number is a 404,
    never an OverflowError when the view looks it up."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", INT64_MAX)
        super().__init__(map, *args, **kwargs)


def _clean_output(value):
    """Jinja's `finalize`: a string that is not valid Unicode is cleaned before it is written
    into a page (the response could not be encoded otherwise); markup stays markup."""
    if isinstance(value, str) and (not value.isascii() or "\x00" in value):
        cleaned = tim_text.clean(value)
        if cleaned != value:
            return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def clean_requests(app) -> None:
    """Install the request-edge guards (call after `Htmx(app)`, before routes are added):

    - query and form values are `console.forms.CleanParameters` (cleaned text, bounded
      `type=int`);
    - `<int:...>` URL parts are at most 2^63-1 (bigger: 404); text URL parts are cleaned;
    - text written into a page is cleaned (`console.tim.text`), whatever its source.
    """
    base = app.request_class
    app.request_class = type("CleanRequest", (base,), {"parameter_storage_class": CleanParameters})
    app.url_map.converters["int"] = BoundedIntConverter
    app.jinja_env.finalize = _clean_output

    @app.url_value_preprocessor
    def _clean_path_values(_endpoint, values):
        """Text parts of the URL (`<user_id>`, `<path:group_id>`) are cleaned like the query."""
        for name, value in (values or {}).items():
            if isinstance(value, str):
                values[name] = tim_text.clean(value)
