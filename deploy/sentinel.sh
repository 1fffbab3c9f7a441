#!/bin/sh
# A Redis Sentinel of docker-compose.yml: it writes its state into its config file, so the
# file is made fresh in the container at each start. Two of three sentinels must agree
# that the master is down before the replica is promoted.
set -eu
cat > /tmp/sentinel.conf <<CONF
port 26379
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel monitor omnihub redis-1 6379 2
sentinel down-after-milliseconds omnihub 5000
sentinel failover-timeout omnihub 30000
sentinel parallel-syncs omnihub 1
CONF
exec redis-server /tmp/sentinel.conf --sentinel
