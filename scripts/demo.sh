#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job, as far as the product goes today: check the example forms and fill them
# from their sample answers, printing the submission XML a server would receive.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cli=build/src/cli/survey-cli
for form in examples/forms/household_energy.xml examples/forms/enterprise_lowcarbon.xml; do
  echo "== $form"
  "$cli" validate "$form"
  echo "-- submission (Chinese messages):"
  "$cli" fill "$form" --answers "${form%.xml}.answers.json" --lang "中文 (zh)"
  echo
done
