#!/usr/bin/env bash
# Make sure RabbitMQ, Redis and PostgreSQL answer on localhost; start them where installed
# but stopped.
# Where they are not installed, say what to do and fail.
set -euo pipefail

AMQP_PORT=${OMNIHUB_SERVICES_AMQP_PORT:-5672}
REDIS_PORT=${OMNIHUB_SERVICES_REDIS_PORT:-6379}
PG_PORT=${OMNIHUB_SERVICES_PG_PORT:-5432}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name port seconds
  for _ in $(seq "$3"); do listening "$2" && return 0; sleep 1; done
  echo "$1 did not start listening on 127.0.0.1:$2 within $3 s" >&2
  return 1
}

if listening "$AMQP_PORT"; then
  echo "==> RabbitMQ is up on 127.0.0.1:$AMQP_PORT"
elif command -v rabbitmq-server >/dev/null; then
  echo "==> starting RabbitMQ (rabbitmq-server -detached)"
  # Each quorum queue reserves file handles; the common default of 1024 open files is too
  # few for a test suite that declares many queues. Raise it where we may. As root,
  # Debian's wrapper switches to the rabbitmq user with `su`, whose PAM session puts the
  # soft limit back to 1024, so run the real script under su with the limit raised there.
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  real=$(dirname "$(readlink -f "$(command -v rabbitmq-server)")")/rabbitmq-server
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1 && [ -x "$real" ] \
    && [ "$(basename "$(readlink -f "$(command -v rabbitmq-server)")")" = rabbitmq-script-wrapper ]; then
    (cd /var/lib/rabbitmq 2>/dev/null || true
     su rabbitmq -s /bin/sh -c "ulimit -n $(ulimit -n); exec '$real' -detached")
  else
    rabbitmq-server -detached
  fi
  wait_for RabbitMQ "$AMQP_PORT" 90
  command -v rabbitmqctl >/dev/null && rabbitmqctl -q await_startup >/dev/null 2>&1 || true
else
  cat >&2 <<MSG
RabbitMQ is not running on 127.0.0.1:$AMQP_PORT and is not installed here.
  Debian/Ubuntu:  sudo apt-get install rabbitmq-server   (then run this again)
  Docker:         docker compose up -d rabbitmq
  Elsewhere:      point OMNIHUB_AMQP_URL at a RabbitMQ 3.10+ (quorum queues, streams)
MSG
  exit 1
fi

# A local broker started by a service manager (or by rabbitmq-server's own `su`) runs
# with 1024 open files, whatever ulimit says here. Its file-handle cache then reserves
# handles for quorum queue segments and, once they run out, makes every new connection
# and every rabbitmqctl call WAIT (no error, no log line): the whole test suite hangs.
# Raising only the cache's limit is not enough: past the process's own limit of open
# files Mnesia fails to open its logs (emfile) and the node loses its vhosts (seen with
# several test runs at once). So first raise the process's limit (prlimit, as root or
# its user, up to its hard limit), then let the cache use most of it.
if [ "$AMQP_PORT" = 5672 ] && command -v rabbitmqctl >/dev/null; then
  pid=$(timeout 30 rabbitmqctl -q eval 'list_to_integer(os:getpid()).' 2>/dev/null || true)
  if [ -n "$pid" ] && [ -r "/proc/$pid/limits" ] && command -v prlimit >/dev/null; then
    hard=$(awk '/Max open files/ {print $5}' "/proc/$pid/limits")
    want=65536
    [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ] 2>/dev/null && want=$hard
    prlimit --pid "$pid" --nofile="$want:$want" 2>/dev/null \
      || prlimit --pid "$pid" --nofile="$want" 2>/dev/null || true
  fi
  soft=$([ -n "$pid" ] && awk '/Max open files/ {print $4}' "/proc/$pid/limits" 2>/dev/null || echo 1024)
  if [ "$soft" -lt 4096 ] 2>/dev/null; then
    echo "==> note: RabbitMQ runs with $soft open files and it could not be raised here;" \
      "fine for the tests, too few for production (docs/operations.md)"
  fi
  target=$((soft * 8 / 10))
  [ "$target" -gt 16000 ] && target=16000
  limit=$(timeout 30 rabbitmqctl -q eval 'file_handle_cache:get_limit().' 2>/dev/null || echo "?")
  if [ "$limit" != "?" ] && [ "$limit" -lt "$target" ] 2>/dev/null; then
    if timeout 30 rabbitmqctl -q eval "file_handle_cache:set_limit($target)." >/dev/null 2>&1; then
      echo "==> raised RabbitMQ's file-handle limit from $limit to $target (process: $soft open files)"
    else
      echo "==> warning: RabbitMQ's file-handle limit is $limit and could not be raised;" \
        "a long test run may stall the broker (run this script as root)" >&2
    fi
  fi
fi

if listening "$REDIS_PORT"; then
  echo "==> Redis is up on 127.0.0.1:$REDIS_PORT"
elif command -v redis-server >/dev/null; then
  echo "==> starting Redis (redis-server --daemonize yes)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
  wait_for Redis "$REDIS_PORT" 30
else
  cat >&2 <<MSG
Redis is not running on 127.0.0.1:$REDIS_PORT and is not installed here.
  Debian/Ubuntu:  sudo apt-get install redis-server   (then run this again)
  Docker:         docker compose up -d redis
  Elsewhere:      point OMNIHUB_REDIS_URL at a Redis 6+
MSG
  exit 1
fi

# PostgreSQL keeps the journeys (the hub creates its database and schema itself).
if listening "$PG_PORT"; then
  echo "==> PostgreSQL is up on 127.0.0.1:$PG_PORT"
elif command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
  read -r pg_version pg_cluster _ < <(pg_lsclusters -h | head -1)
  echo "==> starting PostgreSQL (pg_ctlcluster $pg_version $pg_cluster start)"
  pg_ctlcluster "$pg_version" "$pg_cluster" start
  wait_for PostgreSQL "$PG_PORT" 60
elif command -v systemctl >/dev/null && systemctl list-unit-files postgresql.service >/dev/null 2>&1; then
  echo "==> starting PostgreSQL (systemctl start postgresql)"
  systemctl start postgresql
  wait_for PostgreSQL "$PG_PORT" 60
else
  cat >&2 <<MSG
PostgreSQL is not running on 127.0.0.1:$PG_PORT and is not installed here.
  Debian/Ubuntu:  sudo apt-get install postgresql   (then run this again; the hub
                  connects as user postgres with trust or peer-free local auth)
  Docker:         docker compose up -d postgres
  Elsewhere:      point OMNIHUB_POSTGRES_URL at a PostgreSQL 13+
MSG
  exit 1
fi
