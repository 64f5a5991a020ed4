#!/usr/bin/env bash
# The rehearsal of a multi-node installation on this one machine (README, "Production: several
# machines"): PostgreSQL (this machine's, a fresh database), Redis (this machine's, a database
# number of its own), an S3-compatible store (moto's server), an SMTP sink (aiosmtpd), two
# gunicorn web nodes, nginx in front of them (deploy/nginx.conf with a test certificate), two
# Celery workers on different queues and one beat. Then scripts/cluster_checks.py runs its
# checks through nginx, printing PASS or FAIL for each, and the browser journeys (journeys/) run
# through nginx too (JOURNEYS_SERVER), their screenshots under data/cluster/journeys/.
# Everything started here is stopped on exit. Ports: CLUSTER_PORT_BASE (default 18300) + 1, 2 (web nodes), 25 (SMTP), 30 (S3),
# 43 (HTTPS), 80 (HTTP); Redis database CLUSTER_REDIS_DB (default 12).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
started=$(date +%s)

base=${CLUSTER_PORT_BASE:-18300}
web1=$((base + 1)); web2=$((base + 2)); smtp=$((base + 25)); s3=$((base + 30))
https=$((base + 43)); http=$((base + 80))
redis_db=${CLUSTER_REDIS_DB:-12}
run=$(mktemp -d /tmp/liaison-cluster.XXXXXX)
db="liaison_cluster_$(date +%s)_$$"
pids=()

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

stop_all() {
  status=$?
  say "Stopping what the rehearsal started"
  if [ -f "$run/nginx.pid" ]; then kill -QUIT "$(cat "$run/nginx.pid")" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  redis-cli -n "$redis_db" FLUSHDB >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  if [ $status -ne 0 ] && [ -d "$run" ]; then
    echo "Logs of the failed rehearsal:" >&2
    for log in "$run"/*.log; do echo "--- $log" >&2; tail -n 15 "$log" >&2; done
  fi
  rm -rf "$run"
  echo "Rehearsal took $(( $(date +%s) - started )) s"
  exit $status
}
trap stop_all EXIT INT TERM

# Start "$@" in a session of its own (so it and its children stop together); log to $1.log.
start() {
  local name=$1; shift
  setsid "$@" >"$run/$name.log" 2>&1 &
  pids+=($!)
  echo $! >"$run/$name.pid"
}

wait_port() {
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "Nothing answers on port $1 ($2)." >&2
  return 1
}

# A node's port opens before its workers have loaded the application (each warms up first:
# liaison/warmup.py): wait until one answers over HTTP.
wait_http() {
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -m 30 -w '%{http_code}' "http://127.0.0.1:$1/health/")" != 000 ] \
      && return 0
    sleep 0.2
  done
  echo "No web worker answers on port $1 ($2)." >&2
  return 1
}

say "PostgreSQL database $db, Redis database $redis_db"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db"
if ! redis-cli ping >/dev/null 2>&1; then
  start redis redis-server --port 6379 --save "" --appendonly no
  wait_port 6379 redis
fi
redis-cli -n "$redis_db" FLUSHDB >/dev/null

export DEBUG=0 ENV_FILE="$run/no.env" SECRET_KEY="cluster-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export REDIS_URL="redis://127.0.0.1:6379/$redis_db"
export ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL="https://127.0.0.1:$https" CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$https"
export TRUSTED_PROXY_COUNT=1 LOGIN_LOCKOUT_AFTER=100000
export EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1 EMAIL_PORT=$smtp
export STATIC_ROOT="$run/static"
export CELERY_VISIBILITY_TIMEOUT=60
export STORAGE_URL="s3://testing:testing@127.0.0.1:$s3/liaison-cluster?region=us-east-1&secure=0"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing

# A test certificate for 127.0.0.1: nginx's, and the fake robot's in the journeys. The nodes
# and workers trust it as they would the intranet's own authority (SSL_CERT_FILE).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$run/privkey.pem" -out "$run/fullchain.pem" >/dev/null 2>&1
export SSL_CERT_FILE="$run/fullchain.pem" CLUSTER_TLS_CERT="$run/fullchain.pem"
export CLUSTER_TLS_KEY="$run/privkey.pem"

say "S3 store (moto) on $s3, SMTP sink on $smtp"
start s3 "$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$s3"
start smtp "$PY" scripts/cluster_checks.py sink --port "$smtp" --folder "$run/mail"
wait_port "$s3" "moto"
"$PY" -c "import boto3; boto3.client('s3', endpoint_url='http://127.0.0.1:$s3', region_name='us-east-1').create_bucket(Bucket='liaison-cluster')"

say "Migrations and static files"
DATA_DIR="$run/setup" "$PY" manage.py migrate -v 0
# Emptied with its sequences reset, as each journey empties it later: the content types get
# the same ids both times, so the ids the nodes keep in memory stay right.
DATA_DIR="$run/setup" "$PY" manage.py flush --no-input -v 0
DATA_DIR="$run/setup" "$PY" manage.py collectstatic --no-input -v 0

# Each node and worker has a disk of its own: what they share is the database, Redis and the
# bucket, as on separate machines.
say "Two web nodes on $web1 and $web2"
start_web() {
  local n=$1
  mkdir -p "$run/web$n"
  DATA_DIR="$run/web$n" start "web$n" "$ROOT/.venv/bin/gunicorn" liaison.wsgi \
    --bind "127.0.0.1:$((base + n))" --workers 3 --worker-class sync \
    --timeout 60 --log-level warning
}
start_web 1
start_web 2

say "Workers: mail and imports and the default queue; reports; and one beat"
mkdir -p "$run/worker-mail" "$run/worker-reports" "$run/beat"
DATA_DIR="$run/worker-mail" start worker-mail "$ROOT/.venv/bin/celery" -A liaison.tasks worker \
  -Q mail,imports,celery -n "mail@%h" --concurrency 2 --loglevel WARNING
DATA_DIR="$run/worker-reports" start worker-reports "$ROOT/.venv/bin/celery" -A liaison.tasks \
  worker -Q reports -n "reports@%h" --concurrency 1 --loglevel WARNING
DATA_DIR="$run/beat" start beat "$ROOT/.venv/bin/celery" -A liaison.tasks beat \
  -s "$run/beat/schedule" --loglevel WARNING

say "nginx on $https (HTTPS) and $http, in front of both nodes"
sed -e "s#/etc/ssl/liaison/#$run/#" \
    -e "s#/run/nginx-liaison.pid#$run/nginx.pid#" \
    -e "s#/etc/nginx/liaison-errors/#$ROOT/deploy/errors/#" \
    -e "s#/var/log/nginx/#$run/nginx-#" \
    -e "s#10.0.0.11:8000#127.0.0.1:$web1#" -e "s#10.0.0.12:8000#127.0.0.1:$web2#" \
    -e "s#listen 443 ssl#listen 127.0.0.1:$https ssl#" -e "s#listen 80;#listen 127.0.0.1:$http;#" \
    -e 's#proxy_set_header Host $host;#proxy_set_header Host $http_host;#' \
    -e "s#return 301 https://\$host#return 301 https://\$host:$https#" \
    -e 's#server_tokens off;#server_tokens off;\n    add_header X-Upstream $upstream_addr always;#' \
    deploy/nginx.conf >"$run/nginx.conf"
nginx -t -q -p "$run" -e "$run/nginx-error.log" -c "$run/nginx.conf"
start nginx nginx -p "$run" -e "$run/nginx-error.log" -c "$run/nginx.conf" -g "daemon off;"

wait_http "$web1" "web node 1"; wait_http "$web2" "web node 2"; wait_port "$https" "nginx"
echo "Everything started in $(( $(date +%s) - started )) s"

say "Checks through nginx"
export CLUSTER_URL="https://127.0.0.1:$https" CLUSTER_HTTPS_PORT=$https CLUSTER_HTTP_PORT=$http
export REQUESTS_CA_BUNDLE="$run/fullchain.pem"  # the checks trust the test certificate
export CLUSTER_WEB1_PORT=$web1 CLUSTER_WEB2_PORT=$web2 CLUSTER_MAIL_DIR="$run/mail"
export CLUSTER_WEB1_PID="$run/web1.pid" CLUSTER_REPORTS_WORKER_PID="$run/worker-reports.pid"
mkdir -p "$run/checks"
DATA_DIR="$run/checks" DJANGO_SETTINGS_MODULE=liaison.settings "$PY" scripts/cluster_checks.py checks

# The last check killed web node 1: it comes back for the journeys, as after a restart.
say "The browser journeys through nginx (node 1 started again)"
start_web 1
wait_http "$web1" "web node 1 again"
# One at a time (-n 0): every journey empties the one database the nodes serve.
DATA_DIR="$ROOT/data/cluster" JOURNEYS_SERVER="$CLUSTER_URL" "$PY" -m pytest journeys \
  -p no:cacheprovider -n 0
