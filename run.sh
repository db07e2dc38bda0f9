#!/usr/bin/env bash
# Runs Tidings on its embedded defaults: an Artemis broker (127.0.0.1:61616) and Payara Micro
# (http://127.0.0.1:8080), with all data under ./data. Builds first if needed. Ctrl-C stops both cleanly;
# the next run finds the provisioned data and any unconsumed messages where they were.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
DATA=${TIDINGS_DATA:-$ROOT/data}
HTTP_PORT=${TIDINGS_HTTP_PORT:-8080}
export TIDINGS_BROKER_HOST=${TIDINGS_BROKER_HOST:-127.0.0.1}
export TIDINGS_BROKER_PORT=${TIDINGS_BROKER_PORT:-61616}
export TIDINGS_BROKER_USER=${TIDINGS_BROKER_USER:-tidings}
export TIDINGS_BROKER_PASSWORD=${TIDINGS_BROKER_PASSWORD:-tidings}
export TIDINGS_DB_URL=${TIDINGS_DB_URL:-jdbc:h2:file:$DATA/db/tidings;DB_CLOSE_ON_EXIT=FALSE}

WAR=web/target/tidings.war
RAR=jms-config/target/tidings-artemis.rar
MICRO=web/target/runtime/payara-micro.jar
ARTEMIS_ZIP=jms-config/target/runtime/apache-artemis-bin.zip

log() { printf '[tidings] %s\n' "$*"; }

stale() {
  for artifact in "$WAR" "$RAR" "$MICRO" "$ARTEMIS_ZIP"; do
    [ -f "$artifact" ] || return 0
  done
  [ -n "$(find pom.xml ejb web jms-config -newer "$WAR" \( -name '*.java' -o -name '*.xml' -o -name '*.properties' -o -name '*.sql' \) -not -path '*/target/*' -print -quit)" ]
}

if stale; then
  log "building (first run or sources changed)..."
  ./mvnw -B -q -Pruntime -Dmaven.test.skip=true install -pl jms-config,ejb/cesql-shaded,ejb,web -am
fi

mkdir -p "$DATA"
RUNTIME="$DATA/runtime"
if [ ! -x "$RUNTIME/apache-artemis/bin/artemis" ]; then
  log "unpacking the Artemis distribution into $RUNTIME"
  rm -rf "$RUNTIME/apache-artemis" && mkdir -p "$RUNTIME/unpack"
  unzip -q -o "$ARTEMIS_ZIP" -d "$RUNTIME/unpack"
  mv "$RUNTIME"/unpack/apache-artemis-* "$RUNTIME/apache-artemis" && rmdir "$RUNTIME/unpack"
fi

BROKER="$DATA/broker"
if [ ! -f "$BROKER/etc/artemis.profile" ]; then
  log "creating the broker instance in $BROKER"
  "$RUNTIME/apache-artemis/bin/artemis" create "$BROKER" --silent --force --nio --no-web --require-login \
    --user "$TIDINGS_BROKER_USER" --password "$TIDINGS_BROKER_PASSWORD" --role tidings-app \
    --host "$TIDINGS_BROKER_HOST" --default-port "$TIDINGS_BROKER_PORT" >/dev/null
fi
# The broker's addresses, queues, policies and security come from jms-config, refreshed on every run.
cp jms-config/src/main/broker/broker.xml "$BROKER/etc/broker.xml"
export JAVA_ARGS_APPEND="-Dtidings.broker.data=$BROKER/data -Dtidings.broker.host=$TIDINGS_BROKER_HOST -Dtidings.broker.port=$TIDINGS_BROKER_PORT"

wait_for_port() { # host port seconds
  for _ in $(seq 1 "$3"); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 1
  done
  return 1
}

BROKER_PID=""
MICRO_PID=""
stop() {
  trap - INT TERM EXIT
  log "stopping..."
  if [ -n "$MICRO_PID" ] && kill -0 "$MICRO_PID" 2>/dev/null; then
    kill -TERM "$MICRO_PID" 2>/dev/null || true
    wait "$MICRO_PID" 2>/dev/null || true
  fi
  if [ -n "$BROKER_PID" ] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill -TERM "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
  fi
  log "stopped; data kept in $DATA"
}
trap stop INT TERM EXIT

log "starting Artemis on $TIDINGS_BROKER_HOST:$TIDINGS_BROKER_PORT (log: $DATA/broker.log)"
"$BROKER/bin/artemis" run >"$DATA/broker.log" 2>&1 &
BROKER_PID=$!
wait_for_port "$TIDINGS_BROKER_HOST" "$TIDINGS_BROKER_PORT" 60 || { log "the broker did not start; see $DATA/broker.log"; exit 1; }

PAYARA_CONF="$DATA/payara"
# A fresh runtime directory each time: Micro would otherwise redeploy the previous run's copy of the app.
rm -rf "$PAYARA_CONF/root" && mkdir -p "$PAYARA_CONF"
cat >"$PAYARA_CONF/preboot.asadmin" <<ASADMIN
set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1
ASADMIN
log "starting Payara Micro on http://127.0.0.1:$HTTP_PORT (log: $DATA/payara.log)"
# --nohazelcast only (adding --nocluster starts a "lite" Hazelcast member on *:6900, docs/adr/0001);
# --disablephonehome: no usage report to payara.fish.
java -jar "$MICRO" --nohazelcast --disablephonehome --port "$HTTP_PORT" \
  --rootdir "$PAYARA_CONF/root" --prebootcommandfile "$PAYARA_CONF/preboot.asadmin" \
  --deploy "$RAR" --deploy "$WAR" --contextroot / >"$DATA/payara.log" 2>&1 &
MICRO_PID=$!

for _ in $(seq 1 180); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/api/sources" 2>/dev/null; then
    cat <<READY
[tidings] ready.
  admin API   http://127.0.0.1:$HTTP_PORT/api/sources | /api/sinks | /api/subscriptions
  HTTP ingest POST http://127.0.0.1:$HTTP_PORT/events   (application/cloudevents+json)
  broker      tcp://$TIDINGS_BROKER_HOST:$TIDINGS_BROKER_PORT (CORE, AMQP, STOMP, MQTT), user $TIDINGS_BROKER_USER
              events in: tidings.events; rejected: tidings.rejected; per sink: tidings.sink.<sink id>
  data        $DATA (H2 database in db/, broker journal in broker/data/)
  logs        $DATA/payara.log, $DATA/broker.log
Press Ctrl-C to stop.
READY
    wait "$MICRO_PID" || true
    exit 0
  fi
  kill -0 "$MICRO_PID" 2>/dev/null || { log "Payara Micro exited; see $DATA/payara.log"; exit 1; }
  sleep 1
done
log "Tidings did not become ready in 180 s; see $DATA/payara.log"
exit 1
