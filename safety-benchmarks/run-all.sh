#!/usr/bin/env bash
# Runs every benchmark of docs/benchmarks.md and writes the raw output under
# safety-benchmarks/target/results/. Usage, from the repository root:
#   safety-benchmarks/run-all.sh [matmul|training|generation|evaluation|sweep|memory ...]
# With no argument it runs them all (about 30 minutes on two idle cores).
set -euo pipefail
cd "$(dirname "$0")/.."

# DJL must never send its usage-tracking request. The code also sets ai.djl.offline itself.
export OPT_OUT_TRACKING=true
# libtorch's OpenMP threads spin while they wait; on a shared machine that makes runs up to 30x
# slower (docs/benchmarks.md, "Thread waiting"). Like the project's test JVMs, spin only briefly:
# as fast as the default on idle cores. Export OMP_WAIT_POLICY=PASSIVE on a busy shared machine.
export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-10000}"

JAR=safety-benchmarks/target/benchmarks.jar
OUT=safety-benchmarks/target/results
DATA=safety-benchmarks/target/checkpoints
JAVA=(java -Dai.djl.offline=true -Xss4m)
mkdir -p "$OUT"

if [[ ! -f "$JAR" ]]; then
  ./mvnw -q -B -Pbenchmarks -pl safety-benchmarks -am package -DskipTests
fi

# One line of context with every result: the load says how shared the machine was.
context() {
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) load: $(cut -d' ' -f1-3 /proc/loadavg)" \
    "OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-} GOMP_SPINCOUNT=$GOMP_SPINCOUNT"
}

run_matmul() {
  { context; "${JAVA[@]}" -jar "$JAR" MatmulPeakBenchmark; context; } 2>&1 | tee "$OUT/matmul.txt"
}

run_training() {
  { context; "${JAVA[@]}" -jar "$JAR" TrainingBenchmark; context; } 2>&1 | tee "$OUT/training.txt"
}

run_generation() {
  { context; "${JAVA[@]}" -jar "$JAR" GenerationBenchmark; context; } 2>&1 | tee "$OUT/generation.txt"
}

run_evaluation() {
  { context; "${JAVA[@]}" -cp "$JAR" io.github.safetyspaces.benchmarks.EvaluationBar 64 3; context; } 2>&1 \
    | tee "$OUT/evaluation.txt"
}

run_sweep() {
  "${JAVA[@]}" -cp "$JAR" io.github.safetyspaces.benchmarks.SyntheticCheckpoints "$DATA/sweep" 1
  { context; "${JAVA[@]}" -cp "$JAR" io.github.safetyspaces.benchmarks.ProjectionSweepBenchmark "$DATA/sweep" 3 single;
    context; } 2>&1 | tee "$OUT/sweep.txt"
}

run_memory() {
  # Fixed overhead: the same phases on a checkpoint with every dimension divided by 16.
  "${JAVA[@]}" -cp "$JAR" io.github.safetyspaces.benchmarks.SyntheticCheckpoints "$DATA/memory-tiny" 1 16
  "${JAVA[@]}" -cp "$JAR" io.github.safetyspaces.benchmarks.SyntheticCheckpoints "$DATA/memory" 9
  local main=io.github.safetyspaces.benchmarks.ProjectionMemory
  for data in memory-tiny memory; do
    rm -rf "$DATA/$data-cache"
    { context; /usr/bin/time -v "${JAVA[@]}" -cp "$JAR" "$main" "$DATA/$data" "$DATA/$data-cache" svd; context; } \
      2>&1 | tee "$OUT/$data-svd.txt"
  done
  # The default collector and heap (G1, a quarter of the machine's memory), G1 with a heap near the live
  # set, and the serial collector, which keeps less beside the heap. Each with its own fixed overhead.
  local configs=("default" "g1-320m:-Xmx320m" "serial-256m:-XX:+UseSerialGC -Xmx256m")
  for config in "${configs[@]}"; do
    local name=${config%%:*}
    local options=()
    if [[ $config == *:* ]]; then
      read -r -a options <<< "${config#*:}"
    fi
    for data in memory-tiny memory; do
      { context; /usr/bin/time -v "${JAVA[@]}" "${options[@]}" -cp "$JAR" "$main" "$DATA/$data" \
          "$DATA/$data-cache" project; context; } 2>&1 | tee "$OUT/$data-project-$name.txt"
    done
  done
  rm -rf "$DATA/memory" "$DATA/memory-tiny" "$DATA/memory-cache" "$DATA/memory-tiny-cache"
}

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(matmul training generation evaluation sweep memory)
fi
for target in "${targets[@]}"; do
  "run_$target"
done
