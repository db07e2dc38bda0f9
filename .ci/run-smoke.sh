#!/usr/bin/env bash
# Smoke test of README's run command on its embedded defaults (Artemis distribution, H2 file, Payara Micro), with a
# data directory whose path holds a space. Loopback only. In order:
#  1. a foreign listener on the broker port, and either broker account's former, published password (tidings,
#     operator) given explicitly: the run refuses, never "ready";
#  2. a run becomes ready, and no command line of its processes, sampled while it started, held either broker password;
#     the data directory is owner-only (0700), and so are the H2 database, the logs and the two broker passwords, random
#     ones in files; the broker refuses operator/operator and tidings/tidings;
#     a second run on the same data refuses and changes nothing; the operator account runs
#     `artemis queue stat`, the application's account cannot; an event sent over HTTP and one published over MQTT to
#     tidings/events each reach the sink's queue, and MQTT's tidings.events is refused; an event over HTTPS is accepted
#     by a client trusting only the self-signed certificate run.sh created (owner-only), refused by one that does not
#     trust it, and the same for MQTT on the broker's TLS acceptor; Ctrl-C stops both processes;
#  3. a restart keeps the provisioning, and moves a data directory of the former run.sh (the published passwords, open
#     to all) to new random passwords and owner-only; Payara Micro crashes while the broker ignores SIGTERM: run.sh
#     exits non-zero and SIGKILLs the broker after the grace period;
#  4. kill -9 of run.sh and Payara Micro leaves the broker orphaned: the next run refuses and names it, never "ready".
#  5. an operator's keystore with a password that does not open it: the run refuses, never "ready".
set -euo pipefail
set -m # job control: each background run.sh gets its own process group, as a terminal's foreground job has
cd "$(dirname "$0")/.."
data=$(mktemp -d "/tmp/tidings smoke.XXXXXX")
export TIDINGS_DATA=$data TIDINGS_HTTP_PORT=18080 TIDINGS_HTTPS_PORT=18443 TIDINGS_BROKER_PORT=61716 TIDINGS_BROKER_TLS_PORT=61717
base=http://127.0.0.1:$TIDINGS_HTTP_PORT
broker_url=tcp://127.0.0.1:$TIDINGS_BROKER_PORT
artemis=$data/broker/bin/artemis
# The broker accounts' passwords run.sh makes. Hex: each file is also an argument file for the artemis CLI
# (--password @file), which keeps them off the command line.
app_password=$data/broker-app.password operator_password=$data/broker-operator.password
pid="" # the run.sh under test
sampler="" # the sampler of its command lines
runs=0

say() { echo "[smoke] $*"; }
die() {
  say "FAILED: $*"
  for f in "$data"/run*.out; do [ -f "$f" ] && { echo "--- $f"; cat "$f"; }; done
  tail -40 "$data/payara.log" 2>/dev/null || true
  exit 1
}
alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]; } # a zombie is gone
recorded() { awk -v name="$1" '$1 == name { print $2 }' "$data/run.lock"; } # run.sh's own record of its processes
gone_within() { # seconds pid...: all of them exit within that time
  local deadline=$((SECONDS + $1)); shift
  for p in "$@"; do
    while alive "$p"; do ((SECONDS < deadline)) || return 1; sleep 0.5; done
  done
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

launch() { # run.sh in the background, with SIGINT (and what Python ignores) at their defaults, as in a terminal:
  # a background job of a script inherits SIGINT ignored, and bash cannot trap a signal ignored on entry.
  runs=$((runs + 1)); run_out=$data/run$runs.out
  python3 -c 'import os, signal as s, sys
for n in (s.SIGINT, s.SIGPIPE, s.SIGXFSZ): s.signal(n, s.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' ./run.sh >"$run_out" 2>&1 &
  pid=$!
}
# Every API call takes the first administrator's token, which the first start wrote to the data directory; the
# header goes through a file (-H @file), not the command line.
curl() {
  if [ -f "$data/admin-token" ]; then
    command curl -H @<(printf 'Authorization: Bearer %s\n' "$(tr -d '\n' <"$data/admin-token")") "$@"
  else
    command curl "$@"
  fi
}
# Every distinct command line of run.sh's processes (its process group: set -m) while it starts, sampled every 50 ms
# into a file: any local user could read them (ps, /proc/<pid>/cmdline).
sample_command_lines() {
  python3 - "$pid" "$data/cmdlines$runs.txt" <<'PY' &
import os, sys, time
group, seen = int(sys.argv[1]), set()
with open(sys.argv[2], 'w') as out:
    while True:
        for p in os.listdir('/proc'):
            try:
                if not p.isdigit() or os.getpgid(int(p)) != group: continue
                with open('/proc/%s/cmdline' % p, 'rb') as f: line = f.read()
            except OSError: continue
            if line and line not in seen:
                seen.add(line); out.write(line.replace(b'\0', b' ').decode('utf-8', 'replace') + '\n'); out.flush()
        time.sleep(0.05)
PY
  sampler=$!
}
# Neither broker password on any sampled command line; the samples hold the artemis CLI's runs that take a password
# (else they would prove nothing): "queue stat" (readiness) and "mask" (every start), and "create" on the first.
no_password_on_command_lines() {
  local samples=$data/cmdlines$runs.txt pattern f
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""
  for pattern in ' queue stat ' ' mask --hash ' "$@"; do
    grep -qF -- "$pattern" "$samples" || die "no command line with \"$pattern\" was sampled: $(cut -c1-200 "$samples")"
  done
  for f in "$app_password" "$operator_password"; do
    [ -s "$f" ] || die "no broker password in $f"
    ! grep -qF -- "$(cat "$f")" "$samples" || die "a broker password was on a command line: $(grep -F -- "$(cat "$f")" "$samples")"
  done
  say "run $runs: neither broker password on the $(wc -l <"$samples") command lines its processes showed while it started"
}
start() { # [pattern...]: a run that must become ready; its sampled command lines hold these too
  launch
  sample_command_lines
  for _ in $(seq 1 400); do
    if grep -q 'ready\.' "$run_out"; then
      broker=$(recorded broker); micro=$(recorded payara-micro)
      alive "$broker" && alive "$micro" || die "ready, but its broker ($broker) or Payara Micro ($micro) is not running"
      no_password_on_command_lines "$@"
      return 0
    fi
    alive "$pid" || break
    sleep 1
  done
  die "run.sh did not become ready"
}
refused() { # name expected-text: a run that must exit non-zero at once, without "ready", saying why
  runs=$((runs + 1)); refused_out=$data/run$runs.out
  local rc=0
  timeout 120 ./run.sh >"$refused_out" 2>&1 || rc=$?
  ! grep -q 'ready\.' "$refused_out" || die "$1: run.sh printed ready"
  [ "$rc" != 0 ] && [ "$rc" != 124 ] || die "$1: run.sh exited $rc (124: still running after 120 s)"
  grep -qF -- "$2" "$refused_out" || die "$1: run.sh did not say \"$2\""
  say "$1: refused ($(grep -m1 -F -- "$2" "$refused_out"))"
}
cleanup() {
  [ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
  if [ -n "$pid" ] && alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -f "$data/run.lock" ]; then # what the last run recorded that it started
    for p in $(awk '{ print $2 }' "$data/run.lock"); do kill -KILL "$p" 2>/dev/null || true; done
  fi
  [ -z "${listener:-}" ] || kill "$listener" 2>/dev/null || true
}
trap cleanup EXIT

mqtt_publish() { # topic payload [tls-ca]: MQTT 3.1.1 CONNECT and PUBLISH at QoS 1 as user tidings; prints puback or
  # refused. With a third argument: to the TLS acceptor, trusting only that CA file ("default": the system's CAs), the
  # certificate and its name for 127.0.0.1 verified; prints untrusted if the handshake refuses the broker's certificate.
  # The password is read from its file, not passed on the command line.
  python3 - "$TIDINGS_BROKER_PORT" "$1" "$2" "$TIDINGS_BROKER_TLS_PORT" "${3:-}" "$app_password" <<'PY'
import socket, ssl, struct, sys
port, topic, payload = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode()
tls_port, ca = int(sys.argv[4]), sys.argv[5]
password = open(sys.argv[6]).read().strip().encode()
def text(b): return struct.pack('!H', len(b)) + b
def packet(kind, body):
    size, n = b'', len(body)
    while True:
        n, digit = n // 128, n % 128
        size += bytes([digit | (0x80 if n else 0)])
        if not n: return bytes([kind]) + size + body
s = socket.create_connection(('127.0.0.1', tls_port if ca else port), timeout=15)
if ca:
    context = ssl.create_default_context() if ca == 'default' else ssl.create_default_context(cafile=ca)
    try: s = context.wrap_socket(s, server_hostname='127.0.0.1')
    except ssl.SSLCertVerificationError: print('untrusted'); sys.exit(0)
s.sendall(packet(0x10, text(b'MQTT') + b'\x04\xc2\x00\x1e' + text(b'tidings-smoke') + text(b'tidings') + text(password)))
assert s.recv(4) == b'\x20\x02\x00\x00', 'CONNECT refused'
s.sendall(packet(0x32, text(topic) + b'\x00\x01' + payload))
try: print('puback' if s.recv(4) == b'\x40\x02\x00\x01' else 'refused')
except OSError: print('refused')
PY
}

# 1. Something else answers on the broker port: not ready, nothing started.
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1',$TIDINGS_BROKER_PORT)); s.listen(); time.sleep(300)" &
listener=$!
for i in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$TIDINGS_BROKER_PORT") 2>/dev/null && break; sleep 0.2; done
((i < 50)) || die "the foreign listener did not start"
refused "foreign listener on the broker port" "already answers on 127.0.0.1:$TIDINGS_BROKER_PORT"
TIDINGS_BROKER_PASSWORD=tidings refused "the application account's former, published password" \
  "TIDINGS_BROKER_PASSWORD is tidings, the application account's former default, published"
TIDINGS_BROKER_OPERATOR_PASSWORD=operator refused "the operator's former, published password" \
  "TIDINGS_BROKER_OPERATOR_PASSWORD is operator, the operator's former default, published"
kill "$listener"; wait "$listener" 2>/dev/null || true; listener=""

# 2. Ready; a second run refused; the operator; events over HTTP and MQTT; Ctrl-C.
chmod 755 "$data" # as mkdir makes it under the usual umask (mktemp's is 0700 already, and a refused run closed it)
start ' create '
refused "second run on the same data" "is in use by another run"
grep -qF "still running: broker (pid $broker)" "$refused_out" || die "the refusal did not name the broker"
[ -d "$data/payara/root" ] && alive "$broker" && alive "$micro" || die "the refused run disturbed the live one"
curl -fsS -o /dev/null "$base/api/sinks" || die "the live run stopped answering after the refused one"
[ "$(stat -c %a "$data/admin-token")" = 600 ] || die "the first administrator's token file is not owner-only"
grep -qF "$data/admin-token" "$run_out" || die "run.sh did not say where the first administrator's token is"
! grep -qF "$(tr -d '\n' <"$data/admin-token")" "$run_out" "$data/payara.log" || die "the admin token was logged"
command curl -sS -D "$data/anonymous.head" "$base/api/sinks" | grep -q '"code":"unauthenticated"' &&
  grep -qi '^www-authenticate: Bearer' "$data/anonymous.head" || die "a call without a token was not a coded 401"
say "the first administrator's token is in an owner-only file that run.sh names, logged nowhere; no token, no answer"

operator_stat() { # the operator runs artemis queue stat with its password from its file
  "$artemis" queue stat --silent --url "$broker_url" --user operator --password "@$operator_password" \
    --queueName tidings.events >"$data/stat.out" 2>&1 </dev/null || die "artemis queue stat as operator failed: $(cat "$data/stat.out")"
  grep -q '|tidings.events *|' "$data/stat.out" || die "queue stat did not list tidings.events: $(cat "$data/stat.out")"
}
operator_stat
if "$artemis" queue stat --silent --url "$broker_url" --user tidings --password "@$app_password" >"$data/stat-app.out" 2>&1 </dev/null ||
  ! grep -q AMQ229213 "$data/stat-app.out"; then
  die "the application's account may use management: $(head -3 "$data/stat-app.out")"
fi
say "the operator runs artemis queue stat; the application's account may not"
# The former published passwords: the broker refuses the login itself (AMQ229031), where the right password gets the
# queue's row or, for the application, a refusal of management (AMQ229213). The password goes in an argument file, as
# the operator's above: what is refused is the password, not a way of passing it.
published_refused() {
  local user
  for user in operator tidings; do
    printf '%s\n' "$user" >"$data/published.password" # each account's password was its name
    "$artemis" queue stat --silent --url "$broker_url" --user "$user" --password "@$data/published.password" \
      --queueName tidings.events >"$data/stat-published.out" 2>&1 </dev/null || true
    grep -q AMQ229031 "$data/stat-published.out" && ! grep -q '|tidings.events' "$data/stat-published.out" ||
      die "the broker did not refuse $user/$user: $(head -5 "$data/stat-published.out")"
  done
  say "the broker refuses operator/operator and tidings/tidings ($(grep -o -m1 'AMQ229031[^;]*' "$data/stat-published.out"))"
}
published_refused

source_uri="https://mail.smoke.example.com/store"
source=$(curl -fsS -H 'Content-Type: application/json' -d "{\"name\":\"smoke mail\",\"uri\":\"$source_uri\"}" "$base/api/sources" | json '["id"]')
for kind in send route; do # default is deny (docs/adr/0022)
  curl -fsS -H 'Content-Type: application/json' -d "{\"principalKind\":\"source\",\"principalId\":\"$source\",\"kind\":\"$kind\",\"all\":true}" "$base/api/grants" >/dev/null
done
sink=$(curl -fsS -H 'Content-Type: application/json' -d '{"name":"smoke sink","channel":"jms"}' "$base/api/sinks" | json '["id"]')
curl -fsS -H 'Content-Type: application/json' -d "{\"sinkId\":\"$sink\",\"filter\":{\"types\":[\"org.example.mail.MessageNew\"]}}" "$base/api/subscriptions" >/dev/null
event() { echo "{\"specversion\":\"1.0\",\"id\":\"$1\",\"source\":\"$source_uri\",\"type\":\"org.example.mail.MessageNew\",\"subject\":\"mailto:ann@example.com\"}"; }
status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/cloudevents+json' -d "$(event smoke-1)" "$base/events")
[ "$status" = 202 ] || die "POST /events answered $status"
tls=$data/tls
owner_only() { # the keystore, its password, and the two files that hold the password: broker.xml, tls.properties;
  # the data directory, and in it the H2 database, the logs (events' payloads) and the broker passwords
  [ "$(stat -c %a "$tls/keystore.p12" "$tls/keystore.password" "$data/broker/etc/broker.xml" \
    "$data/payara/tls.properties" | tr '\n' ' ')" = "600 600 600 600 " ] ||
    die "the keystore, its password, broker.xml or tls.properties is not owner-only: $(ls -l "$tls" "$data/payara")"
  [ "$(stat -c %a "$data")" = 700 ] || die "the data directory is not owner-only: $(stat -c '%a %n' "$data")"
  [ "$(stat -c %a "$data/db/tidings.mv.db" "$data/payara.log" "$data/broker.log" "$app_password" \
    "$operator_password" | tr '\n' ' ')" = "600 600 600 600 600 " ] ||
    die "the H2 database, a log or a broker password is not owner-only: $(ls -l "$data" "$data/db")"
}
owner_only
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$tls/tidings.pem" -H 'Content-Type: application/cloudevents+json' \
  -d "$(event smoke-https)" "https://127.0.0.1:$TIDINGS_HTTPS_PORT/events") || die "POST /events over HTTPS failed"
[ "$status" = 202 ] || die "POST /events over HTTPS answered $status"
if curl -sS -o /dev/null -d x "https://127.0.0.1:$TIDINGS_HTTPS_PORT/events" 2>"$data/https-untrusted.out" ||
  ! grep -q 'certificate' "$data/https-untrusted.out"; then
  die "a client that does not trust the certificate was not refused: $(cat "$data/https-untrusted.out")"
fi
say "HTTPS: an event accepted with the self-signed certificate trusted, refused by a client that does not trust it"
[ "$(mqtt_publish tidings/events "$(event smoke-mqtts)" "$tls/tidings.pem")" = puback ] ||
  die "MQTT publish over TLS to tidings/events not acknowledged"
[ "$(mqtt_publish tidings/events "$(event smoke-mqtts-untrusted)" default)" = untrusted ] ||
  die "a client that does not trust the broker's certificate was not refused"
say "broker TLS acceptor: MQTT over TLS accepted with the certificate trusted, refused by a client that does not trust it"
[ "$(mqtt_publish tidings/events "$(event smoke-mqtt)")" = puback ] || die "MQTT publish to tidings/events not acknowledged"
[ "$(mqtt_publish tidings.events "$(event smoke-dot)")" = refused ] || die "MQTT publish to tidings.events was accepted"
"$artemis" consumer --silent --user tidings --password "@$app_password" --url "$broker_url" --destination "queue://tidings.sink.$sink" \
  --message-count 4 --receive-timeout 30000 --data "$data/notifications.xml" >"$data/consumer.out" 2>&1 || true
# The MQTT event arrives as a bytes message; the notification's properties name either event.
grep -q 'name="tidings_event_id" value="smoke-1"' "$data/notifications.xml" &&
  grep -q 'name="tidings_event_id" value="smoke-mqtt"' "$data/notifications.xml" &&
  grep -q 'name="tidings_event_id" value="smoke-https"' "$data/notifications.xml" &&
  grep -q 'name="tidings_event_id" value="smoke-mqtts"' "$data/notifications.xml" ||
  die "notifications missing: $(cat "$data/consumer.out" "$data/notifications.xml")"
say "events sent over HTTP, HTTPS, MQTT and MQTT over TLS (topic tidings/events) reached tidings.sink.$sink; MQTT tidings.events refused"

kill -INT -- "-$pid" # Ctrl-C in run.sh's terminal: its whole process group
rc=0; wait "$pid" || rc=$?; pid=""
[ "$rc" = 0 ] || die "run.sh exited $rc after Ctrl-C"
gone_within 5 "$broker" "$micro" || die "Ctrl-C left the broker or Payara Micro running"
! grep -q SIGKILL "$run_out" || die "Ctrl-C needed SIGKILL"
grep -q 'AMQ221002' "$data/broker.log" || die "the broker did not log a clean stop"
say "Ctrl-C stopped Payara Micro and the broker cleanly"

# 3. A restart keeps the provisioning; then Payara Micro crashes while the broker ignores SIGTERM.
export TIDINGS_STOP_GRACE=5
chmod 644 "$data/payara/tls.properties" # widened meanwhile: the restart writes it owner-only again
# Meanwhile the data directory becomes one of the former run.sh: both accounts with their published passwords (their
# names; public, so on mask's command line), no password files, the directory open to every local user.
users=$data/broker/etc/artemis-users.properties
for user in tidings operator; do
  hash=$("$artemis" mask --hash "$user" | sed -n 's/^result: //p')
  [ -n "$hash" ] || die "artemis mask gave no hash"
  { grep -v "^$user = " "$users" || true; printf '%s = ENC(%s)\n' "$user" "$hash"; } >"$data/users.new"
  cat "$data/users.new" >"$users"
  [ "$(grep -c "^$user = " "$users")" = 1 ] && grep -qF "$user = ENC($hash)" "$users" || die "$users: not as the former run.sh left it"
done
former_passwords=$(cat "$app_password" "$operator_password")
rm "$app_password" "$operator_password"
chmod 755 "$data"
start
grep -q 'a random password for the broker account tidings' "$run_out" &&
  grep -q 'a random password for the broker account operator' "$run_out" || die "the restart made no new broker passwords"
[ "$(cat "$app_password" "$operator_password")" != "$former_passwords" ] || die "the new broker passwords are the old ones"
curl -fsS "$base/api/sources" | grep -q "$source_uri" || die "provisioning lost over a restart"
owner_only
operator_stat
published_refused
say "provisioning kept over a restart; the files holding the keystore password owner-only again; a data directory" \
  "of the former run.sh got random broker passwords (Tidings consumes with its new one) and is owner-only"
kill -KILL "$micro"; kill -STOP "$broker" # a frozen process ignores SIGTERM until SIGKILL
rc=0; wait "$pid" || rc=$?; pid=""
[ "$rc" != 0 ] || die "run.sh exited 0 after Payara Micro crashed"
grep -q 'Payara Micro exited unexpectedly' "$run_out" || die "run.sh did not report the crash"
grep -q "the broker (pid $broker) did not stop within 5 s of SIGTERM: sending SIGKILL" "$run_out" || die "no SIGKILL after the grace period"
gone_within 5 "$broker" || die "the broker is still running after the crash"
say "a Payara Micro crash: run.sh exited $rc and killed the broker after its grace period"

# 4. kill -9 of run.sh and of Payara Micro once both processes started: the orphaned broker makes the next run refuse.
launch
for _ in $(seq 1 300); do
  [ "$(recorded run.sh)" = "$pid" ] && [ -n "$(recorded payara-micro)" ] && break
  alive "$pid" || die "run.sh ended before it started Payara Micro"
  sleep 1
done
broker=$(recorded broker); micro=$(recorded payara-micro)
kill -KILL "$pid" "$micro"; wait "$pid" 2>/dev/null || true; pid=""
gone_within 10 "$micro" || die "Payara Micro survived kill -9"
alive "$broker" || die "the broker did not survive run.sh's kill -9 (the test needs an orphan)"
refused "run after a killed run left its broker" "still running: broker (pid $broker)"
kill -TERM "$broker"
gone_within 30 "$broker" || die "the orphaned broker did not stop"

# 5. An operator's keystore that its password does not open: refused before anything starts. The killed run's
# short-lived children (a readiness probe, the artemis CLI it was running) hold its lock until they end: wait for that.
flock -w 60 "$data/run.lock" true || die "the lock of the run killed in 4 is still held after 60 s: $(fuser -v "$data/run.lock" 2>&1)"
(
  export TIDINGS_TLS_KEYSTORE=$data/tls/keystore.p12 TIDINGS_TLS_KEYSTORE_PASSWORD=not-the-password
  refused "a keystore password that does not open the keystore" "TIDINGS_TLS_KEYSTORE_PASSWORD does not open it"
) || exit 1

if pgrep -f -- "$data" >/dev/null; then pgrep -fa -- "$data"; die "processes left running"; fi
rm -rf "$data"
say "passed"
