#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/screenshots.sh [OUT_DIR]: renders home, a filled form page, a page in a repeat,
# the question list, the finalize summary, the sync log after a send-back, settings, the
# review queue, a submission, a correction's changes, the team, the Analysis pages (every
# question's summary, the household baseline, its forecast, the enterprise demand), the
# sign-out and password prompts and the sign-in page at phone (360×640), tablet (800×1280, 1280×800) and desktop
# (1920×1080) sizes in Chinese and English into OUT_DIR (default ./screenshots), on a
# virtual display (scripts/render-pages.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-screenshots}"
bash scripts/build.sh
mkdir -p "$out"
bash scripts/render-pages.sh "$out"
echo "screenshots are in $out"
