#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (libFuzzer), one after another on one core.
#
#   scripts/fuzz.sh                     every target for 20 s (what `./x test` stage `fuzz` runs)
#   scripts/fuzz.sh --seconds 120 csr   one target, 2 minutes
#   scripts/fuzz.sh --long 1800         the long campaign: 1800 s shared by every target
#   scripts/fuzz.sh --list              the targets
#
# Each run starts from the target's growing corpus ($INKAN_CACHE/fuzz/corpus/TARGET), the seeds
# fuzz/seeds.py writes from the committed fixtures, and the committed regression inputs
# (fuzz/regressions/TARGET, replayed first). A crash, a hang over the timeout (1 s; 10 s for the
# short CI runs, where other stages share the machine) or more than 256 MiB of memory fails the
# run; libFuzzer writes the input to $INKAN_CACHE/fuzz/artifacts/TARGET/. One line per target
# (executions, coverage, features, corpus, result) goes to stdout and to
# $INKAN_CACHE/fuzz/results.tsv.
#
# Environment: INKAN_FUZZ_SANITIZER (default none; `address` for ASan, about twice as slow),
# INKAN_FUZZ_TIMEOUT (seconds per input), INKAN_FUZZ_RSS_MB (default 256).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/fuzz"

seconds=20; long=""; list=""; targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --long) long="$2"; shift 2 ;;
    --list) list=1; shift ;;
    -*) die "fuzz.sh: unknown option $1" ;;
    *) targets+=("$1"); shift ;;
  esac
done
all_targets=($(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^inkan-fuzz$'))
if [ -n "$list" ]; then printf '%s\n' "${all_targets[@]}"; exit 0; fi
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  printf '%s\n' "${all_targets[@]}" | grep -qx "$t" || die "fuzz.sh: no target $t (see --list)"
done
if [ -n "$long" ]; then
  seconds=$(( long / ${#targets[@]} ))
  timeout_s="${INKAN_FUZZ_TIMEOUT:-1}"
else
  timeout_s="${INKAN_FUZZ_TIMEOUT:-10}"
fi
rss_mb="${INKAN_FUZZ_RSS_MB:-256}"
sanitizer="${INKAN_FUZZ_SANITIZER:-none}"

command -v cargo-fuzz >/dev/null || die "cargo-fuzz is missing: run scripts/bootstrap.sh"
# Beside the checkout's own target folder: the instrumented build never invalidates the normal one.
FUZZ_TARGET_DIR="${CARGO_TARGET_DIR}-fuzz"
# libFuzzer and sanitizer-coverage need unstable flags; stable rustc accepts them this way.
export RUSTC_BOOTSTRAP=1
log "fuzz: building ${#targets[@]} target(s) (sanitizer: $sanitizer)"
one=(); [ ${#targets[@]} -eq 1 ] && one=("${targets[0]}")
cargo fuzz build --sanitizer "$sanitizer" --target-dir "$FUZZ_TARGET_DIR" "${one[@]}" >&2 || die "fuzz: build failed"
bin_dir="$FUZZ_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release"

work="$CACHE/fuzz"
mkdir -p "$work/corpus" "$work/artifacts"
python3 "$ROOT/fuzz/seeds.py" "$work/seeds" >&2

dict_for() {
  case "$1" in
    advisor_answers|worker_intake|worker_download_body) echo "$ROOT/fuzz/dict/json.dict" ;;
    expiry_inputs) echo "" ;;
    *) echo "$ROOT/fuzz/dict/der_pem.dict" ;;
  esac
}

failed=0
printf 'target\tseconds\texecs\tcov\tft\tcorpus\tresult\n'
for t in "${targets[@]}"; do
  corpus="$work/corpus/$t"; artifacts="$work/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts" "$ROOT/fuzz/regressions/$t"
  dict="$(dict_for "$t")"
  logf="$work/$t.log"
  args=("$corpus" "$work/seeds/$t" "$ROOT/fuzz/regressions/$t"
        -max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb"
        -max_len=65536 -artifact_prefix="$artifacts" -print_final_stats=1)
  [ -n "$dict" ] && args+=(-dict="$dict")
  log "fuzz: $t for ${seconds} s"
  if "$bin_dir/$t" "${args[@]}" >"$logf" 2>&1; then result=ok; else result="FAILED (see $logf)"; failed=1; fi
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logf" | tail -1)"
  last="$(grep -E '^#[0-9]+' "$logf" | tail -1)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
  corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")"
  line="$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")"
  echo "$line"
  printf '%s\t%s\n' "$(date -u +%FT%TZ)" "$line" >> "$work/results.tsv"
  if [ "$result" != ok ]; then
    grep -E 'ERROR|panicked|Test unit written|SUMMARY' "$logf" | head -5 >&2 || true
  fi
done
[ "$failed" -eq 0 ]
