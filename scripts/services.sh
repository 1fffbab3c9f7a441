#!/usr/bin/env bash
# Make sure RabbitMQ and Redis answer on localhost; start them where installed but stopped.
# Where they are not installed, say what to do and fail.
set -euo pipefail

AMQP_PORT=${OMNIHUB_SERVICES_AMQP_PORT:-5672}
REDIS_PORT=${OMNIHUB_SERVICES_REDIS_PORT:-6379}

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
  # RabbitMQ keeps a file handle per queue segment; the common default of 1024 is too
  # few for a test suite that declares many queues. Raise it where we may.
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  rabbitmq-server -detached
  wait_for RabbitMQ "$AMQP_PORT" 90
  command -v rabbitmqctl >/dev/null && rabbitmqctl -q await_startup >/dev/null 2>&1 || true
else
  cat >&2 <<MSG
RabbitMQ is not running on 127.0.0.1:$AMQP_PORT and is not installed here.
  Debian/Ubuntu:  sudo apt-get install rabbitmq-server   (then run this again)
  Docker:         docker run -d --name omnihub-rabbitmq -p 5672:5672 rabbitmq:3.13
  Elsewhere:      point OMNIHUB_AMQP_URL at a RabbitMQ 3.10+ (quorum queues, streams)
MSG
  exit 1
fi

# A local broker started by a service manager (or by rabbitmq-server's own `su`) runs
# with 1024 open files, whatever ulimit says here. Its file-handle cache then reserves
# handles for quorum queue segments and, once they run out, makes every new connection
# and every rabbitmqctl call WAIT (no error, no log line): the whole test suite hangs.
# The cache counts far more than the files really open (about 160 when it stalled here),
# so raise its limit on the running node, whoever started it (needs root or its user).
if [ "$AMQP_PORT" = 5672 ] && command -v rabbitmqctl >/dev/null; then
  limit=$(timeout 30 rabbitmqctl -q eval 'file_handle_cache:get_limit().' 2>/dev/null || echo "?")
  if [ "$limit" != "?" ] && [ "$limit" -lt 16000 ] 2>/dev/null; then
    if timeout 30 rabbitmqctl -q eval 'file_handle_cache:set_limit(16000).' >/dev/null 2>&1; then
      echo "==> raised RabbitMQ's file-handle limit from $limit to 16000"
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
  Docker:         docker run -d --name omnihub-redis -p 6379:6379 redis:7
  Elsewhere:      point OMNIHUB_REDIS_URL at a Redis 6+
MSG
  exit 1
fi
