# Sourced by flows.sh and schemathesis.sh: start_sim BINARY LOG starts a fresh pesapal-sim on a free
# port, stops it when the script exits, and exports PESAPAL_BASE_URL, PESAPAL_CONSUMER_KEY and
# PESAPAL_CONSUMER_SECRET as it prints them.
start_sim() {
  "$1" --port 0 > "$2" 2>&1 &
  sim_pid=$!
  trap 'kill $sim_pid 2>/dev/null || true' EXIT
  for _ in $(seq 300); do grep -q '^PESAPAL_CONSUMER_SECRET=' "$2" && break; sleep 0.1; done
  grep -q '^PESAPAL_CONSUMER_SECRET=' "$2" || { cat "$2"; echo "pesapal-sim did not start"; return 1; }
  # shellcheck disable=SC2046
  export $(grep '^PESAPAL_' "$2" | xargs)
}
