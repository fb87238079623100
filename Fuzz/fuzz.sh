#!/usr/bin/env bash
# Builds and runs the libFuzzer targets: each Fuzz/<name>.swift is one target, compiled with the Wire sources and
# Fuzz/Support into .build/fuzz/<name>, seeded from Fuzz/corpus/<name>/ and given the libFuzzer dictionary
# Fuzz/corpus/<name>.dict (both optional). See Fuzz/README.md.
#
#   Fuzz/fuzz.sh [name...]       every target (or the named ones) for FUZZ_SECONDS each; exit 1 if any crashed
#
# FUZZ_SECONDS (default 60) bounds each run; FUZZ_FLAGS adds libFuzzer flags (e.g. -jobs=2 -max_len=65536);
# FUZZ_SANITIZE (default fuzzer,address) is passed to swiftc -sanitize=.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
sanitize=${FUZZ_SANITIZE:-fuzzer,address}
out=.build/fuzz

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for file in Fuzz/*.swift; do targets+=("$(basename "$file" .swift)"); done
fi

# Compiles one target unless its binary is newer than every source it is built from.
build() {
    local name=$1 sources
    mapfile -t sources < <(find Sources/Wire Fuzz/Support -name '*.swift' | sort)
    sources+=("Fuzz/$name.swift")
    if [ -x "$out/$name" ] && [ -z "$(find "${sources[@]}" Fuzz/fuzz.sh -newer "$out/$name" | head -n 1)" ]; then
        return 0
    fi
    echo "fuzz: building $name"
    mkdir -p "$out"
    ${SWIFTC:-swiftc} -sanitize="$sanitize" -parse-as-library -O -g -swift-version 6 \
        -module-name Wire -package-name hutsync \
        -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
        -enable-upcoming-feature InternalImportsByDefault \
        -I Sources/CSodium -lsodium -use-ld=lld "${sources[@]}" -o "$out/$name"
}

# Runs one target for $seconds; new inputs go to .build/fuzz/corpus/<name>, crashes to .build/fuzz/artifacts/<name>.
run() {
    local name=$1 corpus=$out/corpus/$1 artifacts=$out/artifacts/$1 log=$out/$1.log seeds=() dict=()
    mkdir -p "$corpus" "$artifacts"
    [ -d "Fuzz/corpus/$name" ] && seeds=("Fuzz/corpus/$name")
    [ -f "Fuzz/corpus/$name.dict" ] && dict=("-dict=Fuzz/corpus/$name.dict")
    echo "fuzz: running $name for ${seconds}s (log: $log)"
    # The Swift backtracer would hang under libFuzzer's crash handler; libFuzzer and ASan print the stack instead.
    # shellcheck disable=SC2086
    SWIFT_BACKTRACE=enable=no "$out/$name" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dict[@]}" ${FUZZ_FLAGS:-} "$corpus" "${seeds[@]}" >"$log" 2>&1
    local status=$?
    grep -E 'DONE|^stat::(number_of_executed_units|average_exec_per_sec)' "$log" | sed "s/^/  $name: /"
    if [ $status -ne 0 ]; then
        grep -E 'Fatal error|ERROR: |SUMMARY: ' "$log" | head -n 5 | sed "s/^/  $name: /"
        local input
        input=$(grep -oE 'Test unit written to .*' "$log" | tail -n 1 | sed 's/Test unit written to //')
        echo "fuzz: $name FAILED; reproduce with: SWIFT_BACKTRACE=enable=no $out/$name ${input:-<input>}"
        failed+=("$name")
    fi
}

failed=()
for name in "${targets[@]}"; do
    [ -f "Fuzz/$name.swift" ] || { echo "fuzz: no target Fuzz/$name.swift"; exit 2; }
    build "$name" || { echo "fuzz: $name does not build"; exit 2; }
done
for name in "${targets[@]}"; do run "$name"; done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}"
    exit 1
fi
echo "fuzz: no crashes in ${targets[*]}"
