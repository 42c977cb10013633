#!/usr/bin/env bash
# Runs the libFuzzer targets of a TANDA_FUZZ build, each from a copy of its seed corpus in a temp
# dir (the repo's corpus is never modified), and fails on any crash, leak, timeout or sanitizer
# report. Usage: tests/fuzz/run.sh BUILD_DIR [SECONDS|smoke] [TARGET...]
#   smoke            instead of SECONDS: a fixed seed and a fixed number of executions per target
#                    (about a minute each here): the same amount of work on every machine, and
#                    close to repeatable (coverage of uninstrumented libraries varies a little)
#   quick            smoke's seed and a quarter of its executions: the run `make test` does on a
#                    developer's machine (CI runs smoke)
#   FUZZ_SEED=N      libFuzzer's -seed (smoke mode defaults to 1; otherwise random)
#   FUZZ_PARALLEL=N  targets run N at a time (default 1)
#   FUZZ_NICE=N      run them under `nice -n N` (default 0)
#   FUZZ_KEEP=DIR    keep each run's grown corpus and log under DIR instead of a temp dir
# Extra libFuzzer flags go in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-runs=10000000 with SECONDS=0).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [SECONDS] [TARGET...]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ocsp_request ocsp_get_path index_txt admin_json config)
parallel=${FUZZ_PARALLEL:-1}
nice_level=${FUZZ_NICE:-0}
seed=${FUZZ_SEED:-}
if [ "$seconds" = smoke ] || [ "$seconds" = quick ]; then
    seed=${seed:-1}
elif ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "run.sh: SECONDS must be a whole number, 'smoke' or 'quick', not '$seconds'" >&2
    exit 2
fi

# Longest input per target: a few times the largest real one (an OCSP POST body and a GET URL
# are capped at 16 KiB / 4 KiB by the listener; the example config is 8.4 KB).
max_len() {
    case $1 in
        config) echo 12288 ;;
        *) echo 4096 ;;
    esac
}

# Executions per target in smoke mode: about a minute each on the 2-core development machine
# (exec/s from a fresh seed corpus; see README.md).
smoke_runs() {
    case $1 in
        ocsp_request) echo 4000000 ;;
        ocsp_get_path) echo 3000000 ;;
        index_txt) echo 800000 ;;
        admin_json) echo 1500000 ;;
        config) echo 150000 ;;
    esac
}

work=${FUZZ_KEEP:-$(mktemp -d)}
[ -n "${FUZZ_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

run_one() {
    local t=$1 bin=$build/fuzz/fuzz_$1 dir=$work/$1
    [ -x "$bin" ] || { echo "fuzz: $bin missing (build target fuzz_targets)" >&2; return 1; }
    rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
    cp "$here/corpus/$t/"* "$dir/corpus/"
    local args=(-max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048
                -artifact_prefix="$dir/artifacts/" -print_final_stats=1)
    if [ "$seconds" = smoke ]; then
        args+=(-runs="$(smoke_runs "$t")")
    elif [ "$seconds" = quick ]; then
        args+=(-runs="$(( $(smoke_runs "$t") / 4 ))")
    elif [ "$seconds" -gt 0 ]; then
        args+=(-max_total_time="$seconds")
    fi
    [ -n "$seed" ] && args+=(-seed="$seed")
    [ -f "$here/dict/$t.dict" ] && args+=(-dict="$here/dict/$t.dict")
    # shellcheck disable=SC2086
    if nice -n "$nice_level" "$bin" "${args[@]}" ${FUZZ_FLAGS:-} "$dir/corpus" >"$dir/log" 2>&1 &&
        ! grep -qE 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer|ERROR: libFuzzer' \
            "$dir/log"; then
        local done_line
        done_line=$(grep -E '^#[0-9]+\s+DONE' "$dir/log" | tail -1 || true)
        echo "fuzz $t: ok  ${done_line:-$(tail -1 "$dir/log")}"
        grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$dir/log" |
            sed "s/^/fuzz $t:   /"
        return 0
    fi
    echo "fuzz $t: FAILED; the last lines of its log ($dir/log):" >&2
    tail -40 "$dir/log" >&2
    echo "fuzz $t: $(grep -m1 '^INFO: Seed:' "$dir/log" || echo 'no seed line')" \
         "(rerun: FUZZ_SEED=<seed> tests/fuzz/run.sh $build $seconds $t)" >&2
    mkdir -p "$build/fuzz-artifacts"
    cp "$dir/artifacts/"* "$build/fuzz-artifacts/" 2>/dev/null &&
        echo "fuzz $t: crashing input(s) copied to $build/fuzz-artifacts/" >&2
    return 1
}

failed=0
pids=()
names=()
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
    run_one "$t" &
    pids+=($!)
    names+=("$t")
done
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { failed=1; echo "fuzz ${names[$i]}: failed" >&2; }
done
exit $failed
