#!/usr/bin/env bash
# The crash test of issue 7 (bench/crash: kill -9 of Payara Micro, then of the broker, 10,000 events in flight
# each time) on H2, then on PostgreSQL. Run after .ci/postgres.sh has made the server available on 127.0.0.1:5432
# (bench/crash creates and drops its own database there, tidings_crash). Both runs always run; either failing
# fails the stage.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
echo "[ci] bench/crash on H2"
bench/crash || failed=1
echo "[ci] bench/crash on PostgreSQL"
CRASH_DB=postgresql bench/crash || failed=1
exit $failed
