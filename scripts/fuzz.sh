#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets with clang-14 and runs each for SECONDS (default 600).
# Seeds: the shared form corpus, the XPath test cases and a few HTTP requests (the server's
# request framing). Crashes land in fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
bash scripts/deps.sh
for p in clang-14 libfuzzer-14-dev libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p"
done
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSURVEY_BUILD_FUZZ=ON -DSURVEY_BUILD_TESTS=OFF -DSURVEY_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --target fuzz_xform fuzz_xpath fuzz_http fuzz_xlsx fuzz_instance
mkdir -p fuzz/corpus-xform fuzz/corpus-xpath fuzz/corpus-http fuzz/corpus-xlsx fuzz/corpus-instance \
  fuzz/crashes
# XLSForms: the spreadsheets of pyxform's cases, our examples and a few of its markdown forms.
if [ -d ../shared/xlsform ]; then
  cp -n ../shared/xlsform/files/*.xlsx fuzz/corpus-xlsx/ 2>/dev/null || true
  python3 - <<'PY'
import json, hashlib, os
for n, line in enumerate(open('../shared/xlsform/cases.jsonl', encoding='utf-8')):
    md = json.loads(line)['input'].get('md')
    if md and n % 10 == 0:
        data = md.encode()
        open(os.path.join('fuzz/corpus-xlsx', hashlib.sha1(data).hexdigest()), 'wb').write(data)
PY
fi
cp -n examples/forms/*.xlsx fuzz/corpus-xlsx/ 2>/dev/null || true
cp -n tests/data/fuzz-regressions/http/* fuzz/corpus-http/ 2>/dev/null || true
if [ -d ../shared/forms ]; then
  find ../shared/forms -name '*.xml' -size -64k -exec cp -n {} fuzz/corpus-xform/ \; 2>/dev/null || true
fi
cp -n examples/forms/*.xml fuzz/corpus-xform/ 2>/dev/null || true
python3 - <<'PY'
import json, glob, hashlib, os
for f in glob.glob('tests/data/xpath/*.jsonl'):
    for line in open(f, encoding='utf-8'):
        line = line.strip()
        if not line:
            continue
        expr = json.loads(line)['expr'].encode()
        open(os.path.join('fuzz/corpus-xpath', hashlib.sha1(expr).hexdigest()), 'wb').write(expr)
PY
# Submissions: the fuzz regressions' and the instances the examples' answers make.
cp -n tests/data/fuzz-regressions/instance/* fuzz/corpus-instance/ 2>/dev/null || true
for t in ${TARGETS:-xform xpath http xlsx instance}; do
  echo "== fuzz_$t for ${seconds}s"
  ./build-fuzz/fuzz/fuzz_$t -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/crashes/$t- fuzz/corpus-$t 2>&1 | tail -n 12
done
