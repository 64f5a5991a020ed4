# The demo's settings, sourced by scripts/demo.sh (and by its test): the address it serves on,
# and production-like behaviour (DEBUG off, so a missing page shows the product's own Chinese
# error page) over plain HTTP. A variable set beforehand wins over each of these.
HOST=${HOST:-127.0.0.1}
HOST=${HOST#[}
HOST=${HOST%]}
PORT=${PORT:-8000}
# Links in mail, calendar subscriptions and .ics files point at the address the demo serves on;
# serving on every interface (0.0.0.0, ::) has no address of its own, so links use 127.0.0.1
# and any host name is accepted.
case "$HOST" in
  0.0.0.0 | ::) link_host=127.0.0.1 hosts='*' ;;
  *:*) link_host="[$HOST]" hosts="127.0.0.1,localhost,[$HOST]" ;;  # an IPv6 address
  *) link_host=$HOST hosts="127.0.0.1,localhost,$HOST" ;;
esac
case "$HOST" in *:*) SERVE_ADDRESS="[$HOST]:$PORT" ;; *) SERVE_ADDRESS="$HOST:$PORT" ;; esac
export HOST PORT
export SITE_URL=${SITE_URL:-http://$link_host:$PORT}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-$hosts}
export DEBUG=${DEBUG:-0}
# Plain HTTP on this machine: no HTTPS redirect, no secure-only cookies.
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-0}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-0}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
# Group robots and SMS print what they would send (liaison/channels/): no robot is reached.
export ROBOT_BACKEND=${ROBOT_BACKEND:-console}
export SMS_BACKEND=${SMS_BACKEND:-console}
unset link_host hosts
