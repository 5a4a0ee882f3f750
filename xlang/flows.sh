#!/usr/bin/env bash
# Cross-language proof (run by `cargo xtask test`): generates a Python client (openapi-python-client)
# and a TypeScript client (openapi-typescript + openapi-fetch) from spec/pesapal.openapi.json into a
# scratch directory, type-checks each with its flow (`mypy --strict`, `tsc --strict`) and runs the
# flows against a fresh pesapal-sim, each flow writing down every answer it got; then strict.sh
# validates the corpus and those answers with strict pydantic and zod models.
# Usage: xlang/flows.sh CACHE SIM_BINARY   (CACHE holds venv/ and npm/node_modules/, installed from the pins in xlang/)
set -euo pipefail
cache=$(realpath "$1"); sim_bin=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
spec="${SPEC:-$root/spec/pesapal.openapi.json}"
scratch="$cache/scratch"
rm -rf "$scratch"; mkdir -p "$scratch/py" "$scratch/ts"

echo "==> xlang: generating the Python client"
cp "$here/python/flow.py" "$scratch/py/"
"$cache/venv/bin/openapi-python-client" generate --path "$spec" --config "$here/python/openapi-python-client.yaml" \
  --output-path "$scratch/py/client" --overwrite > "$scratch/py/generate.log" 2>&1 || { cat "$scratch/py/generate.log"; exit 1; }
if grep -q "Warning" "$scratch/py/generate.log"; then cat "$scratch/py/generate.log"; echo "openapi-python-client warned"; exit 1; fi
echo "==> xlang: mypy --strict (generated client and flow)"
(cd "$scratch/py" && MYPYPATH=client "$cache/venv/bin/mypy" --strict --cache-dir "$cache/mypy-cache" client/pesapal_client flow.py)

echo "==> xlang: generating the TypeScript client"
cp "$here/ts/flow.ts" "$here/ts/tsconfig.json" "$here/ts/package.json" "$scratch/ts/"
ln -s "$cache/npm/node_modules" "$scratch/ts/node_modules"
"$cache/npm/node_modules/.bin/openapi-typescript" "$spec" -o "$scratch/ts/schema.d.ts" 2>&1 | tee "$scratch/ts/generate.log"
if grep -q "⚠" "$scratch/ts/generate.log"; then echo "openapi-typescript warned"; exit 1; fi
echo "==> xlang: tsc --strict (generated types and flow)"
(cd "$scratch/ts" && "$cache/npm/node_modules/.bin/tsc" -p tsconfig.json)

. "$here/sim.sh"
start_sim "$sim_bin" "$scratch/sim.log"
echo "==> xlang: Python checkout against $PESAPAL_BASE_URL"
(cd "$scratch/py" && PESAPAL_ANSWERS="$scratch/py/answers.jsonl" PYTHONPATH=client "$cache/venv/bin/python" flow.py)
echo "==> xlang: TypeScript checkout against $PESAPAL_BASE_URL"
(cd "$scratch/ts" && PESAPAL_ANSWERS="$scratch/ts/answers.jsonl" node out/flow.js)
bash "$here/strict.sh" "$cache" "$scratch/py/answers.jsonl" "$scratch/ts/answers.jsonl"
