#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job: a survey-sync server with its SQLite default on 127.0.0.1, the two
# bilingual example forms published (from their .xlsx XLSForms), a demo supervisor and enumerator; the field loop run
# once through survey-cli (fill, send, sent back with a comment, corrected, resent); then
# the app signed in as the enumerator (with a display), or its pages drawn offscreen into
# ./screenshots (without one). Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cli=$PWD/build/src/cli/survey-cli
sync=$PWD/build/sync/server/survey-sync
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { printf '\n== %s\n' "$*"; }

db="sqlite:$work/server/survey.db"
step "survey-sync: a new server database, two forms, a supervisor and an enumerator"
printf 'demo-admin-password\n' | "$sync" init --db "$db" --admin admin
printf 'demo-supervisor-1\n' | "$sync" user add --db "$db" supervisor --role supervisor
printf 'demo-enumerator-1\n' | "$sync" user add --db "$db" enumerator --role enumerator --supervisor supervisor
# The forms are published from their XLSForm sources: survey-sync converts them itself.
for form in examples/forms/household_energy.xlsx examples/forms/enterprise_lowcarbon.xlsx; do
  "$sync" form publish --db "$db" "$form"
done
"$sync" serve --db "$db" --listen 127.0.0.1:0 --insecure-http >"$work/url" 2>"$work/server.log" &
server_pid=$!
until [ -s "$work/url" ]; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
url=$(head -n1 "$work/url")
echo "serving $url"

device="$work/device"
send() { printf 'demo-enumerator-1\n' | "$cli" sync --data "$device" --server "$url" --user enumerator --password-stdin; }
step "the enumerator's device: forms downloaded"
send
"$cli" form list --data "$device"

step "two surveys filled and finalized on the device, then sent"
household=$("$cli" new --data "$device" household_energy --answers examples/forms/household_energy.answers.json --finalize)
"$cli" new --data "$device" enterprise_lowcarbon --answers examples/forms/enterprise_lowcarbon.answers.json --finalize >/dev/null
"$cli" store --data "$device" list
echo "household emissions computed by the form: $("$cli" store --data "$device" show "$household" | grep -o '<co2_total>[^<]*' | cut -d'>' -f2) kgCO2/year"
send

step "the supervisor sends the household survey back with a comment"
curl -sS -u supervisor:demo-supervisor-1 -X PATCH -H 'Content-Type: application/json' \
  -d '{"reviewState":"hasIssues","comment":"用电量与电费不一致，请核实 / Electricity use and bill disagree, please check"}' \
  "$url/forms/household_energy/submissions/$household" >/dev/null
send
"$cli" store --data "$device" show "$household" | sed -n '1,8p'

step "corrected on the device and resent as an edit of the same submission"
printf '{"/data/elec_kwh": 298}\n' >"$work/fix.json"
"$cli" store --data "$device" correct "$household" --answers "$work/fix.json" --finalize
send
"$cli" store --data "$device" log | head -n 5
curl -sS -u supervisor:demo-supervisor-1 "$url/forms/household_energy/submissions/$household" | tr ',' '\n' | grep -E 'reviewState|"instanceId"'

step "the app, signed in as the enumerator"
app=$PWD/build/src/app/survey-collector
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "survey-collector opens on the display; close it (or Ctrl-C) to stop everything."
  SURVEY_PASSWORD=demo-enumerator-1 "$app" --data "$work/app" --server "$url" --user enumerator
else
  # No display: the app's pages are drawn on a virtual one instead (to use the real window
  # there: xvfb-run scripts/demo.sh).
  shots="$PWD/screenshots"
  bash scripts/render-pages.sh "$shots" >/dev/null
  echo "no display here: the app's pages at phone, tablet and desktop sizes in both languages are in $shots"
  if [ -t 0 ]; then
    step "survey-sync keeps serving $url (admin / demo-admin-password). Ctrl-C stops it."
    wait "$server_pid"
  fi
fi
