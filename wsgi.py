"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
import logging
import os
import sys

from console.app import create_app
from console.config import ConfigError
from console.operators.setup import announce_setup_url

try:
    app = create_app()
except ConfigError as exc:  # one clear line naming the setting, not a traceback
    sys.exit(f"TIM Console configuration error: {exc}")

# Under a server (not the `flask` CLI), say how to create the first admin when none exists.
if not os.path.basename(sys.argv[0] if sys.argv else "").startswith("flask"):
    logging.basicConfig(level=logging.INFO)
    announce_setup_url(app)
