#!/usr/bin/env bash
# Runs the integration suite RUNS times in a row with 3 CPU-burning processes beside it, as docs/reliability.md
# reports. Build first (dotnet build HyperTune.Cluster.sln); one summary line per run goes to OUT, each run's
# output to OUT.runN.log. Usage: tests/HyperTune.Integration.Tests/run-under-load.sh RUNS OUT
set -u
runs=${1:?runs}; out=${2:?output file}
cd "$(dirname "$0")/../.."
burners=()
for _ in 1 2 3; do sh -c 'while :; do :; done' & burners+=($!); done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
# Stopping the series stops it (a trap that only killed the burners let the loop go on with the next run).
trap 'exit 143' INT TERM
for n in $(seq 1 "$runs"); do
  start=$(date +%s)
  timeout 2400 dotnet test tests/HyperTune.Integration.Tests --no-build --logger "console;verbosity=normal" \
    > "$out.run$n.log" 2>&1
  code=$?
  passed=$(grep -cE '^\s+Passed ' "$out.run$n.log")
  failed=$(grep -cE '^\s+Failed ' "$out.run$n.log")
  echo "run $n: exit $code, passed $passed, failed $failed, $(( $(date +%s) - start )) s" >> "$out"
done
