# shellcheck shell=bash
# stop_sim: stops the simulator whose pid is in SIM_PID (if any), gently then
# for sure, and clears SIM_PID. Sourced by tests/integration/lib.sh and
# tests/db/lib.sh.
stop_sim() {
  if [[ -n "${SIM_PID:-}" ]]; then
    kill "$SIM_PID" 2>/dev/null
    # Give it a moment to exit cleanly, then make sure.
    for _ in $(seq 1 20); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SIM_PID" 2>/dev/null
    wait "$SIM_PID" 2>/dev/null
    SIM_PID=""
  fi
}
