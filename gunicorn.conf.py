"""How the console runs under gunicorn: `gunicorn -c gunicorn.conf.py -b HOST:PORT wsgi:app`.

`make run`, the README's deployment, docs/deploy.md and the callback benchmark all start it this
way; command-line options given after `-c` win over these.

The gevent worker: gunicorn monkey-patches the worker before it loads the app, so each request,
callback or open live-event stream is a greenlet rather than a thread. A callback costs about
half the CPU it costs in a thread (no GIL hand-offs between cores, see
tests/bench/callback_ingest.py), and a live viewer costs a few kilobytes instead of a thread.
psycopg 3 and redis-py cooperate with gevent; SQLite calls block the worker while they run
(milliseconds), which is why a team deployment uses PostgreSQL.
"""
import os

worker_class = "gevent"
# One worker per core on a dedicated host (WEB_CONCURRENCY, as most platforms set it); `make run`
# keeps one.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
# Open connections per worker: callbacks, pages and live viewers (EVENTS_MAX_STREAMS of them).
worker_connections = 1000
# Stop within a few seconds: live streams never end on their own.
graceful_timeout = 5
