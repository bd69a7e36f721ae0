#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/render-pages.sh OUT_DIR: draws the app's pages (survey-screenshots) as a GPU would,
# with Mesa's software OpenGL on a virtual X display, so that Material's shaded backgrounds
# (buttons, tool bars) are there. Without xvfb-run it falls back to Qt's software renderer,
# which leaves those backgrounds out, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1"
mkdir -p "$out"
if command -v xvfb-run >/dev/null; then
  xvfb-run -a -s "-screen 0 2000x2000x24" env QT_QPA_PLATFORM=xcb \
    build/src/app/survey-screenshots "$out" examples/forms
else
  echo "xvfb-run is missing (apt-get install xvfb xauth): drawing with Qt's software renderer," \
       "which leaves out the shaded backgrounds of buttons and tool bars" >&2
  QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
    build/src/app/survey-screenshots "$out" examples/forms
fi
