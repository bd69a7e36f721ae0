#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a test program against a throwaway PostgreSQL cluster: initdb in a temporary folder,
# listening on 127.0.0.1 only (no system service), an empty database named in
# SURVEY_TEST_DB; the cluster and its folder are removed afterwards, whatever happens.
# Tests run it with fsync off (nothing there must survive a power cut); --durable keeps
# PostgreSQL's own default, fsync on, for benchmarks whose figures must be honest.
#   usage: with-postgresql.sh [--durable] PROGRAM [ARGS...]
set -euo pipefail
fsync=off
if [ "${1:-}" = "--durable" ]; then
  fsync=on
  shift
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "with-postgresql.sh: PostgreSQL is not installed (scripts/deps.sh installs it)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/survey-pg.XXXXXX)
# initdb refuses to run as root: the cluster then belongs to the package's postgres user.
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
cleanup() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -U survey --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
# A free loopback port: try a few random ones (PostgreSQL cannot be told to pick one).
started=0
for _ in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 30000))
  if "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=$fsync" start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ "$started" -ne 1 ]; then
  cat "$dir/server.log" >&2 || true
  echo "with-postgresql.sh: the PostgreSQL cluster did not start" >&2
  exit 1
fi
"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U survey survey_test
export SURVEY_TEST_DB="postgresql://survey:unused@127.0.0.1:$port/survey_test"
"$@"
