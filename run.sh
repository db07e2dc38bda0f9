#!/usr/bin/env bash
# Runs Tidings on its embedded defaults: an Artemis broker (127.0.0.1:61616) and Payara Micro
# (http://127.0.0.1:8080 and https://127.0.0.1:8443), with all data under ./data. Builds first if needed. Ctrl-C stops both cleanly;
# the next run finds the provisioned data and any unconsumed messages where they were.
#
# What it guarantees:
# - One run per data directory. The run holds a lock on $DATA/run.lock, and the broker and Payara Micro inherit
#   it, so it stays held while any process of the run lives, even after run.sh itself was killed. A second run,
#   or a run that finds an orphan of a killed one, refuses, names the processes still running, and changes nothing.
# - "ready" means: the broker this run started logged that it is active and listening on a port that nothing
#   answered before it started, Payara Micro answers Tidings' admin API over HTTP and HTTPS, and Tidings' consumers are attached to
#   the events queue (asked over the broker's management with the operator account).
# - If Payara Micro or the broker exits, the run stops the other and exits non-zero.
# - Stopping sends SIGTERM, Payara Micro first, and SIGKILL to whatever still runs TIDINGS_STOP_GRACE seconds later.
# - Other local users can read nothing of the run: $DATA is 0700 and what the run writes is owner-only (umask 077),
#   the broker accounts' passwords are random unless given, and no password is on a command line (ps shows those).
set -euo pipefail
# Everything the run writes is the owner's alone: the H2 database, the broker's journal, the logs (they hold events'
# payloads) and the passwords. Under the usual umask 022 all of it was readable by every local user. The build keeps
# the caller's umask: its outputs are not secret.
CALLER_UMASK=$(umask)
umask 077
cd "$(dirname "$0")"
ROOT=$(pwd)
DATA=${TIDINGS_DATA:-$ROOT/data}
HTTP_PORT=${TIDINGS_HTTP_PORT:-8080}
HTTPS_PORT=${TIDINGS_HTTPS_PORT:-8443}
# The HTTPS listener's key and certificate: a PKCS12 (or JKS) keystore, its password and the entry's alias. Unset,
# run.sh creates a self-signed one under $DATA/tls on first start (docs/adr/0016).
TLS_KEYSTORE=${TIDINGS_TLS_KEYSTORE:-}
TLS_KEYSTORE_PASSWORD=${TIDINGS_TLS_KEYSTORE_PASSWORD:-}
TLS_ALIAS=${TIDINGS_TLS_ALIAS:-tidings}
BROKER_TLS_PORT=${TIDINGS_BROKER_TLS_PORT:-61617}
STOP_GRACE=${TIDINGS_STOP_GRACE:-30}
OPERATOR_USER=${TIDINGS_BROKER_OPERATOR_USER:-operator}
# The broker accounts' passwords, the operator's and the application's: these variables if set, else random ones kept
# in $DATA (below, "The broker's two accounts").
OPERATOR_PASSWORD=${TIDINGS_BROKER_OPERATOR_PASSWORD:-}
EVENTS_QUEUE=${TIDINGS_QUEUE_EVENTS:-tidings.events}
export TIDINGS_BROKER_HOST=${TIDINGS_BROKER_HOST:-127.0.0.1}
export TIDINGS_BROKER_PORT=${TIDINGS_BROKER_PORT:-61616}
export TIDINGS_BROKER_USER=${TIDINGS_BROKER_USER:-tidings}
export TIDINGS_BROKER_PASSWORD=${TIDINGS_BROKER_PASSWORD:-} # Payara Micro reads it from its environment
# H2's settings: each commit written before it returns, no query answered from a result cached before a commit
H2_SETTINGS="DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;OPTIMIZE_REUSE_RESULTS=0"
export TIDINGS_DB_URL=${TIDINGS_DB_URL:-jdbc:h2:file:$DATA/db/tidings;$H2_SETTINGS}
# The key that seals webhook signing secrets in the database: TIDINGS_SECRETS_KEY (base64 of 32 bytes) if set, else
# this file, created owner-only on first use. Every instance sharing the database needs the same key.
export TIDINGS_SECRETS_KEY_FILE=${TIDINGS_SECRETS_KEY_FILE:-$DATA/secrets.key}
# The first administrator's token (docs/adr/0018): on the first start (no administrator in the database) Tidings takes
# TIDINGS_ADMIN_TOKEN if set (at least 32 characters), else writes a random one to this file, owner-only (0600).
export TIDINGS_ADMIN_TOKEN_FILE=${TIDINGS_ADMIN_TOKEN_FILE:-$DATA/admin-token}
BROKER_URL="tcp://$TIDINGS_BROKER_HOST:$TIDINGS_BROKER_PORT"

WAR=web/target/tidings.war
RAR=jms-config/target/tidings-artemis.rar
BROKER_PLUGIN=jms-config/target/tidings-artemis-broker.jar
MICRO=web/target/runtime/payara-micro.jar
ARTEMIS_ZIP=jms-config/target/runtime/apache-artemis-bin.zip

log() { printf '[tidings] %s\n' "$*"; }
fail() { log "$*"; exit 1; }
# True while the process lives. This shell reaps its children as they exit, so a dead child fails here at once; a
# process of a killed run that nobody has reaped yet (a zombie: kill -0 still finds it) is not running.
running() {
  local state
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; } # host port: something accepts connections there

[ "$OPERATOR_USER" != "$TIDINGS_BROKER_USER" ] || fail "the operator account must not be the application's ($OPERATOR_USER)"
# No published password: tidings and operator were the two accounts' defaults until 2026-12-05, printed in every copy
# of the README, and the broker's port answers every local user, on loopback too. Given explicitly, they are refused
# before anything is started or connected to.
[ "$TIDINGS_BROKER_PASSWORD" != tidings ] || fail "TIDINGS_BROKER_PASSWORD is tidings, the application account's" \
  "former default, published: set another, or unset it for a random one; nothing was started."
[ "$OPERATOR_PASSWORD" != operator ] || fail "TIDINGS_BROKER_OPERATOR_PASSWORD is operator, the operator's former" \
  "default, published: set another, or unset it for a random one; nothing was started."

# --- One run per data directory --------------------------------------------------------------------------------
command -v flock >/dev/null || fail "run.sh needs flock (util-linux)"
mkdir -p "$DATA"
LOCK="$DATA/run.lock"
exec 9>>"$LOCK"
if ! flock -n 9; then
  log "$DATA is in use by another run, or by what is left of a killed one; nothing was started or changed."
  while read -r name pid; do
    if running "$pid"; then log "  still running: $name (pid $pid); stop it with: kill $pid"; fi
  done <"$LOCK"
  exit 1
fi
printf 'run.sh %s\n' "$$" >"$LOCK" # "name pid" lines: what holds the lock, for the refusal above
record() { printf '%s %s\n' "$1" "$2" >>"$LOCK"; }
# Owner-only, a data directory of an earlier run too: made under the caller's umask, it and what it holds were open to
# every local user, and closing the directory closes all of it (its files keep their modes). After the lock: a
# refused run changes nothing.
chmod 700 "$DATA"

for endpoint in "127.0.0.1 $HTTP_PORT" "127.0.0.1 $HTTPS_PORT" "$TIDINGS_BROKER_HOST $TIDINGS_BROKER_PORT" \
  "$TIDINGS_BROKER_HOST $BROKER_TLS_PORT"; do
  # shellcheck disable=SC2086 # host and port, split on purpose
  if answers $endpoint; then
    fail "something already answers on ${endpoint/ /:} (a run with another TIDINGS_DATA, or an orphan of one?); nothing was started."
  fi
done

stale() {
  for artifact in "$WAR" "$RAR" "$BROKER_PLUGIN" "$MICRO" "$ARTEMIS_ZIP"; do
    [ -f "$artifact" ] || return 0
  done
  [ -n "$(find pom.xml ejb web jms-config -newer "$WAR" \( -name '*.java' -o -name '*.xml' -o -name '*.properties' -o -name '*.sql' \) -not -path '*/target/*' -print -quit)" ]
}

if stale; then
  log "building (first run or sources changed)..."
  (umask "$CALLER_UMASK" && ./mvnw -B -q -Pruntime -Dmaven.test.skip=true install -pl jms-config,ejb/cesql-shaded,ejb,web -am)
fi

RUNTIME="$DATA/runtime"
if [ ! -x "$RUNTIME/apache-artemis/bin/artemis" ]; then
  log "unpacking the Artemis distribution into $RUNTIME"
  rm -rf "$RUNTIME/apache-artemis" && mkdir -p "$RUNTIME/unpack"
  unzip -q -o "$ARTEMIS_ZIP" -d "$RUNTIME/unpack"
  mv "$RUNTIME"/unpack/apache-artemis-* "$RUNTIME/apache-artemis" && rmdir "$RUNTIME/unpack"
fi

# --- The broker's two accounts ----------------------------------------------------------------------------------
# The application's (TIDINGS_BROKER_USER, role tidings-app) and the operator's (role tidings-admin, the one broker.xml
# lets use management: artemis queue stat ...). Their passwords: TIDINGS_BROKER_PASSWORD and
# TIDINGS_BROKER_OPERATOR_PASSWORD if set, else random ones made on the first start in $DATA/broker-app.password and
# $DATA/broker-operator.password (owner-only) and read back on later starts: 32 random bytes in hex, letters and
# digits that need quoting nowhere (an argument file, a URL, the resource adapter's settings). No password goes on a
# command line, which every local user can read (ps, /proc/<pid>/cmdline): Payara Micro takes the application's from
# its environment (owner-only), the artemis CLI each from an argument file.
APP_PASSWORD_FILE="$DATA/broker-app.password"
OPERATOR_PASSWORD_FILE="$DATA/broker-operator.password"
made_password() { # file user: a random password in the file, unless it holds one already
  [ ! -s "$1" ] || return 0
  rm -f "$1.new"
  od -An -vtx1 -N32 /dev/urandom | tr -d ' \n' >"$1.new" && mv "$1.new" "$1"
  log "a random password for the broker account $2 in $1 (owner-only)"
}
APP_PASSWORD_FROM=TIDINGS_BROKER_PASSWORD # for "ready"
if [ -z "$TIDINGS_BROKER_PASSWORD" ]; then
  made_password "$APP_PASSWORD_FILE" "$TIDINGS_BROKER_USER"
  TIDINGS_BROKER_PASSWORD=$(cat "$APP_PASSWORD_FILE") APP_PASSWORD_FROM="in $APP_PASSWORD_FILE (owner-only)"
fi
if [ -z "$OPERATOR_PASSWORD" ]; then
  made_password "$OPERATOR_PASSWORD_FILE" "$OPERATOR_USER"
  OPERATOR_PASSWORD=$(cat "$OPERATOR_PASSWORD_FILE")
fi
[ -n "$TIDINGS_BROKER_PASSWORD" ] && [ -n "$OPERATOR_PASSWORD" ] ||
  fail "no broker password in $APP_PASSWORD_FILE or $OPERATOR_PASSWORD_FILE"
# The artemis CLI (picocli) replaces an argument @file by the words of that file, read in its own JVM: each password
# goes there as one double-quoted word, escaped as picocli reads it (java.io.StreamTokenizer: a backslash escapes
# within quotes, a quoted word ends at a line break, and a word starting with @ would name another file unless doubled).
# Checked with picocli 4.7.7, Artemis 2.44.0's, on passwords holding quotes, blanks, backslashes, #, @ and line breaks.
cli_argfile() { # file word...: an owner-only argument file for the artemis CLI
  local word v out=''
  for word in "${@:2}"; do
    v=${word//\\/\\\\} && v=${v//\"/\\\"} && v=${v//$'\n'/\\n} && v=${v//$'\r'/\\r}
    [[ $v != @* ]] || v=@$v
    out+="\"$v\""$'\n'
  done
  rm -f "$1" && printf '%s' "$out" >"$1" # created anew: umask does not narrow the mode of a file that exists
}

BROKER="$DATA/broker"
if [ ! -f "$BROKER/etc/artemis.profile" ]; then
  log "creating the broker instance in $BROKER"
  cli_argfile "$RUNTIME/create.args" "--password=$TIDINGS_BROKER_PASSWORD"
  "$RUNTIME/apache-artemis/bin/artemis" create "$BROKER" --silent --force --nio --no-web --require-login \
    --user "$TIDINGS_BROKER_USER" "@$RUNTIME/create.args" --role tidings-app \
    --host "$TIDINGS_BROKER_HOST" --default-port "$TIDINGS_BROKER_PORT" >/dev/null
  rm -f "$RUNTIME/create.args"
fi

# Both accounts are written into the broker's users file on every start, before the broker starts, hashed with
# artemis mask --hash (as artemis user add would): the broker always takes the passwords the run uses, a changed
# variable counts from the next start, and the data directory of an earlier run.sh, whose accounts had the published
# passwords tidings and operator, moves to the random ones. The file's other users (those Tidings or an operator
# made) stay as they are. This costs a JVM start per account (artemis mask).
USERS="$BROKER/etc/artemis-users.properties"
ROLES="$BROKER/etc/artemis-roles.properties"
append_line() { # file line: the properties files artemis create writes do not end with a newline
  if [ -s "$1" ] && [ -n "$(tail -c 1 "$1")" ]; then printf '\n' >>"$1"; fi
  printf '%s\n' "$2" >>"$1"
}
set_account() { # user password
  local hash
  cli_argfile "$RUNTIME/mask.args" -- "$2" # -- : a password that starts with - is no option
  hash=$("$BROKER/bin/artemis" mask --hash "@$RUNTIME/mask.args" | sed -n 's/^result: //p') || true
  rm -f "$RUNTIME/mask.args"
  [ -n "$hash" ] || fail "could not hash the password of the broker account $1 with artemis mask"
  # every line of the user (key = value, key: value or key=value), and only those, replaced
  awk -v user="$1" '{ key = $0; sub(/[ \t]*[=:].*$/, "", key); sub(/^[ \t]+/, "", key) } key != user' \
    "$USERS" >"$USERS.new"
  append_line "$USERS.new" "$1 = ENC($hash)"
  mv "$USERS.new" "$USERS"
}
set_account "$TIDINGS_BROKER_USER" "$TIDINGS_BROKER_PASSWORD"
set_account "$OPERATOR_USER" "$OPERATOR_PASSWORD"
if ! grep -qxF "tidings-admin = $OPERATOR_USER" "$ROLES"; then
  awk '$1 != "tidings-admin"' "$ROLES" >"$ROLES.new" && mv "$ROLES.new" "$ROLES"
  append_line "$ROLES" "tidings-admin = $OPERATOR_USER"
fi
# The operator's password for the readiness check's artemis queue stat (below).
cli_argfile "$RUNTIME/operator.args" "--password=$OPERATOR_PASSWORD"
# The broker's addresses, queues, policies and security come from jms-config, refreshed on every run (below, once
# the TLS acceptor's keystore is known), and so does the plugin broker.xml names, which stamps every message with the
# user its sender authenticated as (docs/adr/0021): the instance's lib/ is on the broker's classpath.
mkdir -p "$BROKER/lib" && cp "$BROKER_PLUGIN" "$BROKER/lib/tidings-artemis-broker.jar"

# --- TLS: the key and certificate of Payara Micro's HTTPS listener ---------------------------------------------
# Unless TIDINGS_TLS_KEYSTORE names one, a self-signed certificate for 127.0.0.1 and localhost, created once (EC
# P-256, 825 days) in $DATA/tls: keystore.p12 and its random password in keystore.password, both owner-only, and the
# certificate alone in tidings.pem for clients to trust (curl --cacert). Delete $DATA/tls to get a new one.
command -v keytool >/dev/null || fail "run.sh needs keytool (from the JDK) for the HTTPS certificate"
TLS_DIR="$DATA/tls"
if [ -z "$TLS_KEYSTORE" ]; then
  TLS_KEYSTORE="$TLS_DIR/keystore.p12"
  if [ ! -f "$TLS_KEYSTORE" ]; then
    log "creating a self-signed certificate for 127.0.0.1 and localhost in $TLS_DIR"
    (
      umask 077
      mkdir -p "$TLS_DIR"
      rm -f "$TLS_DIR/keystore.p12.new" "$TLS_DIR/keystore.password.new"
      head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$TLS_DIR/keystore.password.new"
      keytool -genkeypair -alias "$TLS_ALIAS" -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -validity 825 \
        -dname "CN=localhost, O=Tidings (self-signed by run.sh)" -ext "SAN=ip:127.0.0.1,dns:localhost" \
        -storetype PKCS12 -keystore "$TLS_DIR/keystore.p12.new" -storepass:file "$TLS_DIR/keystore.password.new" \
        >/dev/null 2>&1 || exit 1
      keytool -exportcert -rfc -alias "$TLS_ALIAS" -storetype PKCS12 -keystore "$TLS_DIR/keystore.p12.new" \
        -storepass:file "$TLS_DIR/keystore.password.new" -file "$TLS_DIR/tidings.pem" >/dev/null 2>&1 || exit 1
      chmod 644 "$TLS_DIR/tidings.pem" # public
      mv "$TLS_DIR/keystore.password.new" "$TLS_DIR/keystore.password"
      mv "$TLS_DIR/keystore.p12.new" "$TLS_KEYSTORE" # last: a keystore that exists is complete
    ) || fail "keytool could not create the self-signed certificate in $TLS_DIR"
  fi
  [ -n "$TLS_KEYSTORE_PASSWORD" ] || TLS_KEYSTORE_PASSWORD=$(cat "$TLS_DIR/keystore.password")
fi
[ -f "$TLS_KEYSTORE" ] || fail "TIDINGS_TLS_KEYSTORE: no file $TLS_KEYSTORE"
[ -n "$TLS_KEYSTORE_PASSWORD" ] || fail "TIDINGS_TLS_KEYSTORE is set: set TIDINGS_TLS_KEYSTORE_PASSWORD too"
if ! TIDINGS_TLS_KEYSTORE_PASSWORD=$TLS_KEYSTORE_PASSWORD keytool -list -keystore "$TLS_KEYSTORE" \
  -storepass:env TIDINGS_TLS_KEYSTORE_PASSWORD -alias "$TLS_ALIAS" 2>/dev/null | grep -q PrivateKeyEntry; then
  fail "$TLS_KEYSTORE has no key entry \"$TLS_ALIAS\" (TIDINGS_TLS_ALIAS), or TIDINGS_TLS_KEYSTORE_PASSWORD does not open it"
fi

# The broker's TLS acceptor: the same protocols as the plain one, with the same key and certificate, added to this
# run's copy of broker.xml only (the tests' embedded broker and docker/ keep the plain acceptor alone). The copy holds
# the keystore password, so it is owner-only. Artemis URL-decodes acceptor parameters: the path and password are
# percent-encoded (a data path may hold spaces).
uri_encode() {
  local LC_ALL=C text=$1 out='' c i
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case $c in
      [A-Za-z0-9._~/-]) out+=$c ;;
      *) printf -v c '%%%02X' "'$c" && out+=$c ;;
    esac
  done
  printf '%s' "$out"
}
tls_acceptor="<acceptor name=\"tidings-tls\">tcp://$TIDINGS_BROKER_HOST:$BROKER_TLS_PORT?protocols=CORE,AMQP,STOMP,MQTT;\
sslEnabled=true;keyStoreType=PKCS12;keyStorePath=$(uri_encode "$TLS_KEYSTORE");\
keyStorePassword=$(uri_encode "$TLS_KEYSTORE_PASSWORD");keyStoreAlias=$(uri_encode "$TLS_ALIAS");\
tcpSendBufferSize=1048576;tcpReceiveBufferSize=1048576;amqpCredits=1000;amqpLowCredits=300;supportAdvisory=false;\
suppressInternalManagementObjects=true</acceptor>"
(
  umask 077
  awk -v line="      $tls_acceptor" '{ print } /<acceptor name="tidings">/ { print line }' \
    jms-config/src/main/broker/broker.xml >"$BROKER/etc/broker.xml.new"
)
grep -q 'name="tidings-tls"' "$BROKER/etc/broker.xml.new" || fail "jms-config's broker.xml has no acceptor named tidings"
chmod 600 "$BROKER/etc/broker.xml.new" && mv "$BROKER/etc/broker.xml.new" "$BROKER/etc/broker.xml"

BROKER_PID=""
MICRO_PID=""
STOPPING=false
stop_process() { # pid name: SIGTERM, then SIGKILL once STOP_GRACE seconds have passed
  local pid=$1 name=$2 deadline=$((SECONDS + STOP_GRACE))
  running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while running "$pid"; do
    if ((SECONDS >= deadline)); then
      log "$name (pid $pid) did not stop within $STOP_GRACE s of SIGTERM: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$pid" 2>/dev/null || true
}
stop() {
  if $STOPPING; then return; fi
  STOPPING=true
  trap '' INT TERM HUP
  if running "$MICRO_PID" || running "$BROKER_PID"; then
    log "stopping..."
    stop_process "$MICRO_PID" "Payara Micro" # first: it is the broker's client
    stop_process "$BROKER_PID" "the broker"
    log "stopped; data kept in $DATA"
  fi
}
trap stop EXIT
trap 'exit 0' INT TERM HUP # a requested stop: the EXIT trap stops both

log "starting Artemis on $TIDINGS_BROKER_HOST:$TIDINGS_BROKER_PORT and, over TLS, :$BROKER_TLS_PORT (log: $DATA/broker.log)"
# Through JDK_JAVA_OPTIONS, not the artemis script's JAVA_ARGS_APPEND, which splits a data path on its spaces.
JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:+$JDK_JAVA_OPTIONS }\"-Dtidings.broker.data=$BROKER/data\" \
-Dtidings.broker.host=$TIDINGS_BROKER_HOST -Dtidings.broker.port=$TIDINGS_BROKER_PORT \
-Dtidings.broker.app-user=$TIDINGS_BROKER_USER" \
  "$BROKER/bin/artemis" run >"$DATA/broker.log" 2>&1 &
BROKER_PID=$!
record broker "$BROKER_PID"

# This broker holds the instance's journal lock, is active, and the acceptor on our address is its own: its own log
# says so, and nothing answered there before it started.
broker_up() {
  grep -q 'AMQ221035: Primary Server Obtained primary lock' "$DATA/broker.log" &&
    grep -q 'AMQ221007: Server is now active' "$DATA/broker.log" &&
    grep -qF "Acceptor at $TIDINGS_BROKER_HOST:$TIDINGS_BROKER_PORT for protocols" "$DATA/broker.log" &&
    grep -qF "Acceptor at $TIDINGS_BROKER_HOST:$BROKER_TLS_PORT for protocols" "$DATA/broker.log" &&
    answers "$TIDINGS_BROKER_HOST" "$TIDINGS_BROKER_PORT" && answers "$TIDINGS_BROKER_HOST" "$BROKER_TLS_PORT"
}
deadline=$((SECONDS + 60))
until broker_up; do
  running "$BROKER_PID" || fail "the broker exited; see $DATA/broker.log"
  if ((SECONDS >= deadline)); then
    if grep -q AMQ221034 "$DATA/broker.log" && ! grep -q AMQ221035 "$DATA/broker.log"; then
      fail "the broker waits for its journal lock: a broker started outside run.sh uses $BROKER; stop it first."
    fi
    fail "the broker did not become active in 60 s; see $DATA/broker.log"
  fi
  sleep 1
done

PAYARA_CONF="$DATA/payara"
# A fresh runtime directory each time: Micro would otherwise redeploy the previous run's copy of the app.
rm -rf "$PAYARA_CONF/root" && mkdir -p "$PAYARA_CONF"
# Payara's own endpoints Tidings does not use are switched off first (web/src/main/payara/preboot.asadmin).
cp web/src/main/payara/preboot.asadmin "$PAYARA_CONF/preboot.asadmin"
cat >>"$PAYARA_CONF/preboot.asadmin" <<ASADMIN
set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1
set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=127.0.0.1
ASADMIN
# Payara Micro opens its HTTPS listener with the keystore named by javax.net.ssl.keyStore (it copies it into its
# runtime directory) and the entry --sslcert names. The password goes in an owner-only properties file, not on the
# command line, where any local user could read it.
# A properties file unescapes backslashes, drops a value's leading blanks and ends it at CR or LF: those are escaped.
properties_value() {
  local v=${1//\\/\\\\}
  v=${v// /\\ } && v=${v//$'\t'/\\t} && v=${v//$'\f'/\\f} && v=${v//$'\r'/\\r} && v=${v//$'\n'/\\n}
  printf '%s' "$v"
}
(
  umask 077
  rm -f "$PAYARA_CONF/tls.properties" # created anew: umask does not narrow the mode of a file that exists
  printf 'javax.net.ssl.keyStore=%s\njavax.net.ssl.keyStorePassword=%s\n' "$(properties_value "$TLS_KEYSTORE")" \
    "$(properties_value "$TLS_KEYSTORE_PASSWORD")" >"$PAYARA_CONF/tls.properties"
)
log "starting Payara Micro on http://127.0.0.1:$HTTP_PORT and https://127.0.0.1:$HTTPS_PORT (log: $DATA/payara.log)"
# --nohazelcast only (adding --nocluster starts a "lite" Hazelcast member on *:6900, docs/adr/0001);
# --disablephonehome: no usage report to payara.fish.
java -jar "$MICRO" --nohazelcast --disablephonehome --port "$HTTP_PORT" \
  --sslport "$HTTPS_PORT" --sslcert "$TLS_ALIAS" --systemproperties "$PAYARA_CONF/tls.properties" \
  --rootdir "$PAYARA_CONF/root" --prebootcommandfile "$PAYARA_CONF/preboot.asadmin" \
  --deploy "$RAR" --deploy "$WAR" --contextroot / >"$DATA/payara.log" 2>&1 &
MICRO_PID=$!
record payara-micro "$MICRO_PID"

# Tidings itself answers: an unknown source is a problem+json "not-found", which costs one primary-key read
# however much is provisioned, and passes through authentication, JAX-RS, the EJB, JPA and the database. Asked with
# the first administrator's token; without one known here (TIDINGS_ADMIN_TOKEN unset and the file gone), Tidings'
# own coded 401 is the answer that shows it serves.
admin_token() {
  if [ -n "${TIDINGS_ADMIN_TOKEN:-}" ]; then printf '%s' "$TIDINGS_ADMIN_TOKEN"
  elif [ -r "$TIDINGS_ADMIN_TOKEN_FILE" ]; then tr -d '\n' <"$TIDINGS_ADMIN_TOKEN_FILE"
  fi
}
# The same over HTTPS. -k: this asks whether the listener serves Tidings, not whether its certificate is trusted (an
# operator's certificate names the host's public name, not 127.0.0.1).
app_answers() {
  local body scheme_port token expected='"code":"not-found"'
  token=$(admin_token)
  [ -n "$token" ] || expected='"code":"unauthenticated"'
  for scheme_port in "http $HTTP_PORT" "https $HTTPS_PORT"; do
    # the header from a file (-H @file), so that the token is not on a command line other users can read
    body=$(curl -sS -k --max-time 10 -H @<([ -z "$token" ] || printf 'Authorization: Bearer %s\n' "$token") \
      "${scheme_port/ /://127.0.0.1:}/api/sources/00000000-0000-0000-0000-000000000000" \
      2>/dev/null) && [[ $body == *"$expected"* ]] || return 1
  done
}
# Tidings' message-driven beans consume the events queue of this broker.
consumers_attached() {
  local stat
  stat=$("$BROKER/bin/artemis" queue stat --silent --url "$BROKER_URL" --user "$OPERATOR_USER" \
    "@$RUNTIME/operator.args" --json --field NAME --operation EQUALS --value "$EVENTS_QUEUE" 2>&1 </dev/null) || true
  if [[ $stat == *AMQ229031* ]]; then
    fail "the broker refused the operator account $OPERATOR_USER, although this run wrote its password into $USERS
  before starting the broker; see $DATA/broker.log"
  fi
  [[ $stat =~ \"consumerCount\":\"([0-9]+)\" ]] && ((BASH_REMATCH[1] > 0))
}
deadline=$((SECONDS + 300))
phase=app
until [ $phase = ready ]; do
  running "$MICRO_PID" || fail "Payara Micro exited; see $DATA/payara.log"
  running "$BROKER_PID" || fail "the broker exited; see $DATA/broker.log"
  ((SECONDS < deadline)) || fail "Tidings did not become ready in 300 s (waiting for: $phase); see $DATA/payara.log"
  if [ $phase = app ] && app_answers; then phase=consumers; fi
  if [ $phase = consumers ] && consumers_attached; then phase=ready; else sleep 1; fi
done

cat <<READY
[tidings] ready.
  admin API   http://127.0.0.1:$HTTP_PORT/api/sources | /api/sinks | /api/subscriptions | /api/administrators ...
              every call takes Authorization: Bearer <token>; the first administrator's token: $(
  if [ -n "${TIDINGS_ADMIN_TOKEN:-}" ]; then printf 'TIDINGS_ADMIN_TOKEN'
  elif [ -f "$TIDINGS_ADMIN_TOKEN_FILE" ]; then printf '%s (owner-only)' "$TIDINGS_ADMIN_TOKEN_FILE"
  else printf 'given on the first start (%s is gone)' "$TIDINGS_ADMIN_TOKEN_FILE"; fi)
  HTTP ingest POST http://127.0.0.1:$HTTP_PORT/events   (application/cloudevents+json)
  HTTPS       https://127.0.0.1:$HTTPS_PORT/ (the same paths), key $TLS_ALIAS in $TLS_KEYSTORE$(
  [ ! -f "$TLS_DIR/tidings.pem" ] || [ "$TLS_KEYSTORE" != "$TLS_DIR/keystore.p12" ] ||
    printf '\n              self-signed: trust %s (curl --cacert)' "$TLS_DIR/tidings.pem")
  broker      $BROKER_URL (CORE, AMQP, STOMP, MQTT), user $TIDINGS_BROKER_USER, password $APP_PASSWORD_FROM
              over TLS: $TIDINGS_BROKER_HOST:$BROKER_TLS_PORT, the same protocols, key and certificate as HTTPS
              events in: $EVENTS_QUEUE (MQTT topic ${EVENTS_QUEUE//./\/}); rejected: tidings.rejected; per sink: tidings.sink.<sink id>
  operator    "$BROKER/bin/artemis" queue stat --url $BROKER_URL --user $OPERATOR_USER --password $(
  if [ -n "${TIDINGS_BROKER_OPERATOR_PASSWORD:-}" ]; then printf '@<a file holding TIDINGS_BROKER_OPERATOR_PASSWORD>'
  else printf '"@%s"' "$OPERATOR_PASSWORD_FILE"; fi)
              (@file: the CLI reads the argument from that file, off the command line that every local user sees)
  webhooks    POST /api/sinks {"name":..,"channel":"webhook","url":..}; targets on loopback (127.0.0.1, ::1) are
              allowed here for local use, private and link-local ranges are refused (tidings.webhook.allow/deny)
  data        $DATA, owner-only (H2 database in db/, broker journal in broker/data/, webhook secrets' key in
              secrets.key, HTTPS key and certificate in tls/, broker passwords in broker-*.password)
  logs        $DATA/payara.log, $DATA/broker.log
Press Ctrl-C to stop.
READY

# Runs until Ctrl-C/SIGTERM (the traps above) or until either process exits, which is a failure.
if running "$MICRO_PID" && running "$BROKER_PID"; then
  wait -n && status=0 || status=$? # the two are this shell's only children now
fi
if running "$BROKER_PID"; then
  fail "Payara Micro exited unexpectedly (status ${status:-?}); see $DATA/payara.log"
fi
fail "the broker exited unexpectedly (status ${status:-?}); see $DATA/broker.log"
