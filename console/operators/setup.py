"""The first-admin setup link, announced at server start while no operator exists."""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from console import db, security

log = logging.getLogger("console.operators.setup")


def announce_setup_url(app) -> str | None:
    """Log the one-time setup URL; None when operators already exist."""
    try:
        with db.new_session(app) as sess:
            token = security.new_setup_token(sess)
    except SQLAlchemyError:
        log.warning("database not ready: run `flask --app wsgi db upgrade` first")
        return None
    if token is None:
        return None
    url = security.setup_url(app, token)
    log.warning("No operator exists yet. Create the first admin (this link works once): %s", url)
    return url
