#!/usr/bin/env bash
# `make run`: migrate, then start the IM sandbox (unless real credentials are configured), the
# job consumer and the console under gunicorn. Ctrl-C (or any of them dying) stops all of them.
# Environment: HOST, PORT (console, default 127.0.0.1:5000), SANDBOX_PORT (default 9300);
# any of TIM_APP_ID / TIM_SECRET / TIM_SECRET_FILE set → live mode, no sandbox.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="$root/.venv/bin"
host="${HOST:-127.0.0.1}"
port="${PORT:-5000}"
sandbox_port="${SANDBOX_PORT:-9300}"
instance="${CONSOLE_INSTANCE:-$root/instance}"  # console/app.py reads the same variable
flask=("$bin/flask" --app wsgi)

# Links the console prints (first-admin setup, callback URL) use this address.
export PUBLIC_URL="${PUBLIC_URL:-http://${host}:${port}}"

mkdir -p "$instance"
chmod 700 "$instance"

# A random secret kept in instance/ (mode 600), created once.
ensure_secret() {
    local file="$1"
    if [ ! -s "$file" ]; then
        (umask 077 && "$bin/python" -c 'import secrets; print(secrets.token_hex(32))' > "$file")
    fi
}

pids=()
stop_all() {
    trap - INT TERM EXIT
    if [ ${#pids[@]} -gt 0 ]; then
        echo
        echo "Stopping (pids ${pids[*]})"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_http() {  # url, name, pid: wait up to 30 s for the server's JSON health answer
    local url="$1" name="$2" pid="$3"
    for _ in $(seq 1 120); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name exited during start-up" >&2
            return 1
        fi
        if "$bin/python" - "$url" <<'PY' 2>/dev/null; then return 0; fi
import json, sys, urllib.error, urllib.request
try:
    body = urllib.request.urlopen(sys.argv[1], timeout=1).read()
except urllib.error.HTTPError as exc:
    body = exc.read()  # /healthz answers 503 while the database is down: still our server
sys.exit(0 if "status" in json.loads(body) else 1)
PY
        sleep 0.25
    done
    echo "$name did not answer at $url" >&2
    return 1
}

echo "Migrating the database"
"${flask[@]}" db upgrade

if [ -n "${TIM_APP_ID:-}${TIM_SECRET:-}${TIM_SECRET_FILE:-}" ]; then
    echo "Live mode: app ${TIM_APP_ID:-?}; the sandbox is not started"
    [ -n "${TIM_CALLBACK_TOKEN:-}" ] || echo "warning: TIM_CALLBACK_TOKEN is unset; callbacks will be refused" >&2
else
    # The console reads the same two files when no TIM_* credentials are set (console/config.py).
    ensure_secret "$instance/sandbox-secret"
    ensure_secret "$instance/sandbox-callback-token"
    export TIM_CALLBACK_TOKEN="${TIM_CALLBACK_TOKEN:-$(cat "$instance/sandbox-callback-token")}"
    export TIM_SANDBOX_URL="http://127.0.0.1:${sandbox_port}"
    echo "Sandbox mode: starting the IM sandbox on http://127.0.0.1:${sandbox_port}"
    "$bin/python" -m console.sandbox --host 127.0.0.1 --port "$sandbox_port" \
        --app-id 1400000000 --secret-file "$instance/sandbox-secret" --admin administrator \
        --callback-url "http://127.0.0.1:${port}/callback" --callback-token-env TIM_CALLBACK_TOKEN \
        --seed demo --simulate 2 --state "$instance/sandbox-state.json" &
    pids+=($!)
    wait_http "http://127.0.0.1:${sandbox_port}/sandbox/health" "The sandbox" "$!"
fi

# Metrics (GET /metrics): the web workers and the job consumer write their samples here and any
# worker's scrape sums them. gunicorn.conf.py empties the folder when gunicorn starts, so the
# consumer starts after it.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$instance/prometheus}"

echo "Starting the console on http://${host}:${port}"
"$bin/gunicorn" -c gunicorn.conf.py --workers 1 -b "${host}:${port}" wsgi:app &
pids+=($!)
wait_http "http://${host}:${port}/healthz" "The console" "$!"

echo "Starting the job consumer"
"${flask[@]}" jobs worker &
pids+=($!)

setup="$(env -u PROMETHEUS_MULTIPROC_DIR "${flask[@]}" operators setup-url 2>/dev/null || true)"
if [ -n "$setup" ]; then
    echo
    echo "No operator exists yet. Create the first admin here (the link works once):"
    echo "  $setup"
fi
echo
echo "Console ready: http://${host}:${port}/  (Ctrl-C stops everything)"

# Stop everything as soon as one of the processes exits.
set +e
wait -n "${pids[@]}"
status=$?
# Ctrl-C reaches every process of the group; gunicorn and the consumer then exit with status 0.
[ "$status" -eq 0 ] || echo "A process exited with status $status; stopping the others" >&2
exit "$status"
