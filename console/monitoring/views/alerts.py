"""The Alerts page: active and resolved alerts, one alert with its events and deliveries, the
delivery log; operators acknowledge and resolve (audited)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from console import db
from console.audit import record_action
from console.models import Alert, AlertDelivery, AlertEvent
from console.monitoring import alerts, webhooks
from console.security import current_user, role_required

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

RESOLVED_SHOWN = 50
DELIVERIES_SHOWN = 100


@bp.route("")
@role_required("viewer")
def index():
    active = db.session.scalars(select(Alert).where(Alert.status.in_(alerts.ACTIVE))
                                .order_by(Alert.id.desc())).all()
    resolved = db.session.scalars(select(Alert).where(Alert.status == "resolved")
                                  .order_by(Alert.id.desc()).limit(RESOLVED_SHOWN)).all()
    return render_template("monitoring/alerts/index.html", active=active, resolved=resolved)


@bp.route("/<int:alert_id>")
@role_required("viewer")
def detail(alert_id: int):
    alert = db.get_or_404(Alert, alert_id)
    events = db.session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id)
                                .order_by(AlertEvent.at.desc(), AlertEvent.id.desc())).all()
    deliveries = db.session.scalars(select(AlertDelivery).where(AlertDelivery.alert_id == alert.id)
                                    .order_by(AlertDelivery.id)).all()
    return render_template("monitoring/alerts/detail.html", alert=alert, events=events, deliveries=deliveries)


def _changed(alert: Alert, action: str, done: bool, message: str):
    db.session.commit()
    if done:
        record_action(action, targets=[f"alert:{alert.id}", f"alert-rule:{alert.rule_id}"],
                      detail={"rule": alert.rule_name, "kind": alert.kind})
        flash(message, "success")
    else:
        flash(_("The alert had already changed; nothing was done."), "info")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


@bp.route("/<int:alert_id>/acknowledge", methods=["POST"])
@role_required("operator")
def acknowledge(alert_id: int):
    alert = db.get_or_404(Alert, alert_id)
    done = alerts.acknowledge(db.session, alert, current_user.name)
    return _changed(alert, "alerts.acknowledge", done, _("Acknowledged: the banner no longer shows it."))


@bp.route("/<int:alert_id>/resolve", methods=["POST"])
@role_required("operator")
def resolve(alert_id: int):
    alert = db.get_or_404(Alert, alert_id)
    done = alerts.resolve_by(db.session, alert, current_user.name)
    return _changed(alert, "alerts.resolve", done, _("Resolved."))


@bp.route("/deliveries")
@role_required("viewer")
def deliveries():
    rows = db.session.scalars(select(AlertDelivery).order_by(AlertDelivery.id.desc())
                              .limit(DELIVERIES_SHOWN)).all()
    return render_template("monitoring/alerts/deliveries.html", deliveries=rows,
                           max_attempts=webhooks.MAX_ATTEMPTS)
