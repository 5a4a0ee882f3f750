#!/usr/bin/env bash
# Property-based tests of pesapal-sim from spec/pesapal.openapi.json with Schemathesis (run by
# `cargo xtask test`): positive, negative and stateful (through the spec's links) runs, with a fixed
# seed and a bounded number of examples; every check, with Pesapal's rejection convention (see
# schemathesis/pesapal_hooks.py). Fails on any server error or any answer that breaks the spec.
# Usage: xlang/schemathesis.sh CACHE SIM_BINARY
set -euo pipefail
cache=$(realpath "$1"); sim_bin=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
spec="${SPEC:-$root/spec/pesapal.openapi.json}"
out="$cache/schemathesis"
rm -rf "$out"; mkdir -p "$out"
. "$here/sim.sh"
start_sim "$sim_bin" "$out/sim.log"
token=$("$cache/venv/bin/python" -c '
import json, os, urllib.request
body = json.dumps({"consumer_key": os.environ["PESAPAL_CONSUMER_KEY"], "consumer_secret": os.environ["PESAPAL_CONSUMER_SECRET"]}).encode()
request = urllib.request.Request(os.environ["PESAPAL_BASE_URL"] + "/api/Auth/RequestToken", body, {"content-type": "application/json"})
print(json.load(urllib.request.urlopen(request))["token"])')
export SCHEMATHESIS_HOOKS=pesapal_hooks PYTHONPATH="$here/schemathesis"
cd "$out" # Schemathesis keeps its cache (.schemathesis/) in the working directory
run() {
  local name=$1; shift
  echo "==> schemathesis: $name"
  "$cache/venv/bin/st" run "$spec" --url "$PESAPAL_BASE_URL" -H "Authorization: Bearer $token" \
    --checks all --exclude-checks "${SCHEMATHESIS_EXCLUDE_CHECKS-negative_data_rejection}" --seed 20261201 --generation-database none \
    --no-color --workers 1 --report junit --report-junit-path "$out/$name.xml" "$@"
}
run positive --mode positive --phases examples,coverage,fuzzing --max-examples "${SCHEMATHESIS_EXAMPLES:-50}"
# GetIpnList has no parameter and no body: negative data for it can only be a broken token, which
# pesapal-sim rightly answers with 401 (Schemathesis then warns that authentication failed).
run negative --mode negative --phases coverage,fuzzing --max-examples "${SCHEMATHESIS_EXAMPLES:-50}" \
  --exclude-operation-id GetIpnList
# Stateful sequences follow the spec's links (RegisterIPN → SubmitOrderRequest → GetTransactionStatus,
# CancelOrder; GetTransactionStatus → RefundRequest) with valid data, so that each step can reach
# the next one.
run stateful --mode positive --phases stateful --max-examples "${SCHEMATHESIS_EXAMPLES:-50}"
