"""How the console runs under gunicorn: `gunicorn -c gunicorn.conf.py -b HOST:PORT wsgi:app`.

`make run`, the README's deployment, docs/deploy.md and the callback benchmark all start it this
way; command-line options given after `-c` win over these.

The gevent worker: gunicorn monkey-patches the worker before it loads the app, so each request,
callback or open live-event stream is a greenlet rather than a thread. A callback costs about
half the CPU it costs in a thread (no GIL hand-offs between cores, see
tests/bench/callback_ingest.py), and a live viewer costs a few kilobytes instead of a thread.
psycopg 3 and redis-py cooperate with gevent; SQLite calls block the worker while they run
(milliseconds), which is why a team deployment uses PostgreSQL.

Metrics (console/monitoring/metrics.py): prometheus_client runs in multi-process mode, each
worker writing its samples to files under PROMETHEUS_MULTIPROC_DIR (default:
<instance>/prometheus), so that a scrape of /metrics, whichever worker answers it, sums every
worker's. The folder is emptied when gunicorn starts (counters start from zero, as Prometheus
expects of a restarted target) and a worker's live gauges are dropped when it exits.
"""
import glob
import os

worker_class = "gevent"
# One worker per core on a dedicated host (WEB_CONCURRENCY, as most platforms set it); `make run`
# keeps one.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
# Open connections per worker: callbacks, pages and live viewers (EVENTS_MAX_STREAMS of them).
worker_connections = 1000
# Stop within a few seconds: live streams never end on their own.
graceful_timeout = 5

_instance = os.environ.get("CONSOLE_INSTANCE") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                "instance")
# Set before the workers import prometheus_client: the mode is chosen at its import.
metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(_instance, "prometheus"))


def on_starting(server):
    """Start with an empty metrics folder: the samples of a previous run are not this one's."""
    os.makedirs(metrics_dir, mode=0o700, exist_ok=True)
    for path in glob.glob(os.path.join(metrics_dir, "*.db")):
        os.remove(path)


def child_exit(server, worker):
    """A worker exited: its live gauges (open viewers) no longer count."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, metrics_dir)


def post_worker_init(worker):
    """The app is loaded: freeze the garbage collector's view of it. Its ~130,000 objects (modules,
    Flask, SQLAlchemy, Babel catalogs) live as long as the worker, yet every full collection walks
    them all: 100-230 ms on a busy 2-core host, during which a gevent worker answers nothing (the
    callbacks' p99). Frozen objects are skipped; what requests allocate is still collected."""
    import gc

    gc.freeze()
