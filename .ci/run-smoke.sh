#!/usr/bin/env bash
# Smoke test of README's run command on its embedded defaults (Artemis distribution, H2 file, Payara Micro):
# provision, send one event over HTTP, read the notification from the sink's queue with Artemis's own CLI,
# stop with SIGTERM (as Ctrl-C), start again and find the provisioning still there. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d /tmp/tidings-smoke.XXXXXX)
export TIDINGS_DATA=$data TIDINGS_HTTP_PORT=18080 TIDINGS_BROKER_PORT=61716
base=http://127.0.0.1:$TIDINGS_HTTP_PORT
pid=""

start() {
  ./run.sh >"$data/run.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 400); do
    grep -q 'ready\.' "$data/run.out" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  cat "$data/run.out"; tail -50 "$data/payara.log" 2>/dev/null || true
  echo "[smoke] run.sh did not become ready"; exit 1
}

stop() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}
trap stop EXIT

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

start
source_uri="https://mail.smoke.example.com/store"
curl -fsS -H 'Content-Type: application/json' -d "{\"name\":\"smoke mail\",\"uri\":\"$source_uri\"}" "$base/api/sources" >/dev/null
sink=$(curl -fsS -H 'Content-Type: application/json' -d '{"name":"smoke sink","channel":"jms"}' "$base/api/sinks" | json '["id"]')
curl -fsS -H 'Content-Type: application/json' -d "{\"sinkId\":\"$sink\",\"filter\":{\"types\":[\"org.example.mail.MessageNew\"]}}" "$base/api/subscriptions" >/dev/null
status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/cloudevents+json' \
  -d "{\"specversion\":\"1.0\",\"id\":\"smoke-1\",\"source\":\"$source_uri\",\"type\":\"org.example.mail.MessageNew\",\"subject\":\"mailto:ann@example.com\"}" \
  "$base/events")
[ "$status" = 202 ] || { echo "[smoke] POST /events answered $status"; exit 1; }
"$data/broker/bin/artemis" consumer --user tidings --password tidings --url "tcp://127.0.0.1:$TIDINGS_BROKER_PORT" \
  --destination "queue://tidings.sink.$sink" --message-count 1 --receive-timeout 30000 --verbose >"$data/consumer.out" 2>&1
grep -q '"id":"smoke-1"' "$data/consumer.out" || { cat "$data/consumer.out"; echo "[smoke] no notification"; exit 1; }
echo "[smoke] event smoke-1 reached tidings.sink.$sink"

stop
start
curl -fsS "$base/api/sources" | grep -q "$source_uri" || { echo "[smoke] provisioning lost over a restart"; exit 1; }
echo "[smoke] provisioning kept over a restart"
stop
if pgrep -f "$data" >/dev/null; then echo "[smoke] processes left running"; pgrep -fa "$data"; exit 1; fi
rm -rf "$data"
echo "[smoke] passed"
