#!/usr/bin/env bash
# The README's test command: installs what a fresh Debian machine with only Node lacks, then runs
# every test - unit and kernel tests on a real WebGPU adapter in Node, and the end-to-end suite
# in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
npx tsc --noEmit -p tsconfig.json
npx vitest run --project node
if [ -f tests/e2e/run.ts ]; then npm run test:e2e; fi
