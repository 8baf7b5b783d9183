#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers with Jazzer, each fuzz target for a bounded time (docs/RELIABILITY.md,
# "Fuzzing"). The targets are the @FuzzTest methods of the test classes of MODULES (evaluators, and
# search-driver, which reads the search and hardware configs), found by Jazzer itself, so a new target needs no
# change here. Exits non-zero if any target finds a crash, a property violation or a hang; Jazzer
# writes the input to <module>/src/test/resources/<package>/<Class>Inputs/<method>/, where `./mvnw verify` runs it
# again.
#
#   evaluators/src/test/fuzz/run-fuzzers.sh [SECONDS_PER_TARGET] [FILTER]
#
# SECONDS_PER_TARGET defaults to 30; FILTER (a substring of Class::method) picks targets. With FUZZ_RUNS=N each
# target runs N inputs instead (at most the number in evaluators/src/test/fuzz/<Class>.<method>.runs, if any), and with FUZZ_SEED=S libFuzzer's random seed is S: CI sets both, so from a clean clone
# (empty corpus) its fuzzing explores the same inputs on every run and fails only when the code changed, never by the
# luck of a random seed. Without them, fuzzing explores further on every run (the corpus in target/fuzz grows). Fuzzing runs outside
# Surefire, through Jazzer's own launcher, so libFuzzer's output and exit code come through unchanged. Each run's
# executions are appended to $FUZZ_LEDGER (default evaluators/target/fuzz/executions.tsv).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../../.." && pwd)"
SECONDS_PER_TARGET="${1:-30}"
FILTER="${2:-}"
MODULES=(evaluators search-driver)
WORK="$ROOT/evaluators/target/fuzz" # corpus, logs and ledger of every module's targets
LEDGER="${FUZZ_LEDGER:-$WORK/executions.tsv}"
mkdir -p "$WORK/logs" "$WORK/corpus"

# Test classes and each module's test classpath (-am builds hw-sim and evaluators in the reactor: CI's verify does not
# install them; search-driver's tests take evaluators' test classes, where ReaderProperty is, from there).
(cd "$ROOT" && ./mvnw -B -q -pl "$(IFS=,; echo "${MODULES[*]}")" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz-classpath.txt -Dmdep.includeScope=test)
# The JVM flags of the tests (the Vector API for the float engine, the opens Arrow needs): one list, in pom.xml.
read -r -a JVM_FLAGS <<< "$(sed -n 's:.*<bitsweep.jvm.flags>\(.*\)</bitsweep.jvm.flags>.*:\1:p' "$ROOT/pom.xml")"
jazzer_command() { # jazzer_command MODULE: JAZZER=(Jazzer's launcher on MODULE's test classpath)
  local dir="$ROOT/$1"
  JAZZER=(java "${JVM_FLAGS[@]}" -Xmx2g -Dbitsweep.repo="$ROOT"
    -cp "$dir/target/test-classes:$dir/target/classes:$(cat "$dir/target/fuzz-classpath.txt")"
    com.code_intelligence.jazzer.Jazzer)
}

# "module class::method" for each target of each module; a module's classpath also holds evaluators' test classes,
# so a module's targets are the ones whose class file is its own.
TARGETS=()
for module in "${MODULES[@]}"; do
  jazzer_command "$module"
  while IFS= read -r target; do
    class="${target%%::*}"
    [[ -f "$ROOT/$module/target/test-classes/${class//.//}.class" ]] && TARGETS+=("$module $target")
  done < <("${JAZZER[@]}" --list_fuzz_tests= 2>/dev/null | grep '::' | grep -F -- "$FILTER")
done
if [[ ${#TARGETS[@]} -eq 0 ]]; then
  echo "fuzz: no fuzz target matches '$FILTER'" >&2
  exit 1
fi
[[ -f "$LEDGER" ]] || printf 'date\tcommit\ttarget\tseconds\texecutions\tresult\n' > "$LEDGER"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"

failed=0
for entry in "${TARGETS[@]}"; do
  module="${entry%% *}"
  target="${entry#* }"
  class="${target%%::*}"
  method="${target##*::}"
  name="${class##*.}.$method"
  corpus="$WORK/corpus/$name"
  log="$WORK/logs/$name.log"
  mkdir -p "$corpus"
  dict="$ROOT/evaluators/src/test/fuzz/$name.dict"
  extra=()
  [[ -f "$dict" ]] && extra+=("-dict=$dict")
  if [[ -n "${FUZZ_RUNS:-}" ]]; then
    # A target slower per input (a file written and a config resolved per input) caps its count in <name>.runs, so
    # CI's fixed-count fuzzing of every target stays within a few minutes.
    runs_cap="$(grep -v '^#' "$ROOT/evaluators/src/test/fuzz/$name.runs" 2>/dev/null || echo "$FUZZ_RUNS")"
    extra+=("-runs=$((FUZZ_RUNS < runs_cap ? FUZZ_RUNS : runs_cap))")
  else
    extra+=("-max_total_time=$SECONDS_PER_TARGET")
  fi
  [[ -n "${FUZZ_SEED:-}" ]] && extra+=("-seed=$FUZZ_SEED")
  # Coverage of our code and of the libraries that parse for it (Arrow IPC, FlatBuffers, HOCON, JSON). The per-input
  # timeout comes from the target's @Timeout; `timeout` only guards against a JVM that stops answering altogether.
  # Jazzer puts findings under ./src/test/resources: run in the module's directory.
  jazzer_command "$module"
  set +e
  (cd "$ROOT/$module" && timeout --kill-after=30 $((SECONDS_PER_TARGET + 180)) \
    "${JAZZER[@]}" --target_class="$class" --target_method="$method" \
    '--instrument=io.bitsweep.**,org.apache.arrow.**,com.google.flatbuffers.**,com.typesafe.config.**,com.fasterxml.jackson.core.**' \
    "${extra[@]}" "$corpus" > "$log" 2>&1)
  rc=$?
  set -e
  # libFuzzer's count: "Done N runs" at the end of a clean run, else the last "#N" status line before a finding.
  runs="$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p; s/^#\([0-9]*\)\t.*/\1/p' "$log" | tail -1)"
  runs="${runs:-0}"
  secs="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)"
  if [[ $rc -eq 0 ]]; then
    result=ok
  else
    result="failed($rc)"
    failed=1
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$COMMIT" "$name" "${secs:-?}" "$runs" "$result" \
    >> "$LEDGER"
  echo "fuzz: $name: $runs executions in ${secs:-?} s: $result"
  if [[ $rc -ne 0 ]]; then
    # The finding: exception, stack trace and where Jazzer wrote the input.
    grep -a -v '^INFO: \|^#[0-9]' "$log" | tail -40 >&2
  fi
done
exit $failed
