#!/usr/bin/env bash
# Strict models in other languages (run by flows.sh, so by `cargo xtask test --only xlang`): generates
# pydantic v2 models (datamodel-code-generator) and zod schemas (@hey-api/openapi-ts) from
# spec/pesapal.openapi.json, extra keys forbidden (the project's conformance rule), and validates
# with each every answer body of tests/corpus/ and every answer in the given JSON-lines files (what
# pesapal-sim sent during the checkouts). Fails when a spec rejects a real or simulated answer.
# Both languages always run; the script fails when either rejects an answer.
# Usage: xlang/strict.sh CACHE ANSWERS.jsonl...   (CACHE as for flows.sh)
set -euo pipefail
cache=$(realpath "$1"); shift
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
spec="${SPEC:-$root/spec/pesapal.openapi.json}"
corpus="$root/tests/corpus"
scratch="$cache/scratch/strict"
rm -rf "$scratch"; mkdir -p "$scratch/py" "$scratch/ts"
answers=()
for file in "$@"; do
  [ -s "$file" ] || { echo "strict models: $file holds no answer"; exit 1; }
  answers+=("$(realpath "$file")")
done

echo "==> xlang: strict pydantic v2 models (datamodel-code-generator)"
cp "$here/python/strict.py" "$scratch/py/"
# --strict-nullable: `nullable: true` is read as the spec says, also on required keys (without it,
# a required nullable key becomes non-nullable).
"$cache/venv/bin/datamodel-codegen" --input "$spec" --input-file-type openapi \
  --output-model-type pydantic_v2.BaseModel --target-python-version 3.11 --extra-fields forbid \
  --strict-nullable --use-annotated --formatters builtin --disable-timestamp \
  --output "$scratch/py/pesapal_models.py" > "$scratch/py/generate.log" 2>&1 || { cat "$scratch/py/generate.log"; exit 1; }
failed=0
(cd "$scratch/py" && "$cache/venv/bin/python" strict.py "$spec" "$corpus" "${answers[@]}") || failed=1

echo "==> xlang: strict zod schemas (@hey-api/openapi-ts)"
cp "$here/ts/strict.ts" "$here/ts/openapi-ts.config.mjs" "$here/ts/tsconfig.json" "$here/ts/tsconfig.strict.json" \
  "$here/ts/package.json" "$scratch/ts/"
ln -s "$cache/npm/node_modules" "$scratch/ts/node_modules"
(cd "$scratch/ts" && SPEC="$spec" "$cache/npm/node_modules/.bin/openapi-ts" -f openapi-ts.config.mjs > generate.log 2>&1) \
  || { cat "$scratch/ts/generate.log"; exit 1; }
(cd "$scratch/ts" && "$cache/npm/node_modules/.bin/tsc" -p tsconfig.strict.json)
(cd "$scratch/ts" && node out/strict.js "$spec" "$corpus" "${answers[@]}") || failed=1
exit "$failed"
