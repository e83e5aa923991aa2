#!/usr/bin/env bash
# The GitHub Action's step (action.yml): runs tokenspend once for JSON (the outputs) and once more,
# pinned to the same instant, for Markdown (the job summary); keeps tokenspend's exit code.
# Inputs come as INPUT_* variables; secrets as TOKENSPEND_* variables, never as arguments.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokenspend-$$"
mkdir -p "$out"
json="$out/result.json"
md="$out/summary.md"
err="$out/stderr.txt"

read -r -a command <<< "${INPUT_COMMAND:-budget check}"
case "${command[*]}" in
  'budget check' | report | forecast) ;;
  *)
    echo "::error::tokenspend action: command must be 'budget check', 'report' or 'forecast', got '${INPUT_COMMAND:-}'"
    exit 2
    ;;
esac
args=()
[ -n "${INPUT_BUDGETS:-}" ] && args+=(--budgets "$INPUT_BUDGETS")
[ -n "${INPUT_PROMETHEUS_URL:-}" ] && args+=(--prometheus "$INPUT_PROMETHEUS_URL")
# Split the extra arguments as a shell would (quotes honoured), without evaluating them.
extra=()
if [ -n "${INPUT_ARGS:-}" ]; then
  mapfile -t extra < <(printf '%s' "$INPUT_ARGS" | xargs -r -n1 printf '%s\n') || {
    echo "::error::tokenspend action: args: unbalanced quotes in '$INPUT_ARGS'"
    exit 2
  }
fi
tokenspend() { node "$here/bin/tokenspend.js" "$@"; }

tokenspend "${command[@]}" "${args[@]}" "${extra[@]}" --format json --output "$json" 2> "$err"
code=$?
cat "$err" >&2

# The outputs, from the JSON (when there is one).
node "$here/scripts/action-outputs.mjs" "$code" "${command[*]}" "$json" "$md" >> "${GITHUB_OUTPUT:-/dev/null}"

if [ -s "$json" ]; then
  # The same figures as Markdown: pinned to the JSON's instant, so both runs report one moment.
  pin=$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(j.at ?? j.window?.end ?? "")' "$json")
  pinned=()
  if [ -n "$pin" ] && [[ " ${extra[*]} " != *" --at "* && " ${extra[*]} " != *" --now "* ]]; then
    if [ "${command[0]}" = report ]; then pinned=(--now "$pin"); else pinned=(--at "$pin"); fi
  fi
  tokenspend "${command[@]}" "${args[@]}" "${extra[@]}" "${pinned[@]}" --format markdown --output "$md" 2> /dev/null
else
  {
    echo "### tokenspend ${command[*]}: exit $code"
    echo
    echo '```'
    tail -n 20 "$err"
    echo '```'
  } > "$md"
fi
if [ "${INPUT_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$md" >> "$GITHUB_STEP_SUMMARY"; fi
exit "$code"
