#!/usr/bin/env bash
# Prints the files a learner reads from `new ResNet(ResNetConfig.ResNet18)` down to the convolutions, with their
# code, comment and blank lines (issue 21's measure). Comment lines are those that start with // (XML docs included)
# or sit inside /* */; code lines are the other non-blank lines.
#   tools/reading-path.sh                     the reading path of this checkout
#   tools/reading-path.sh --ref main FILE...  other files, read from a git revision (e.g. the path before a change)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
ref=""
if [[ "${1:-}" == "--ref" ]]; then ref="${2:?--ref needs a revision}"; shift 2; fi
models=src/ResNetNotebooks/Models
files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then files=("$models/ResNet.cs" "$models/ResNetConfig.cs" "$models/Blocks.cs"); fi
show() { if [[ -n "$ref" ]]; then git show "$ref:$1"; else cat "$1"; fi; }
printf '%-48s %6s %8s %6s %6s\n' file code comment blank total
for f in "${files[@]}"; do
  [[ "$f" == */* ]] || f="$models/$f"
  show "$f" | awk -v name="$f" '
    { line = $0; sub(/^[ \t]+/, "", line) }
    line == ""                       { blank++; next }
    inblock                          { comment++; if (line ~ /\*\//) inblock = 0; next }
    line ~ /^\/\//                   { comment++; next }
    line ~ /^\/\*/                   { comment++; if (line !~ /\*\//) inblock = 1; next }
                                     { code++ }
    END { printf "%-48s %6d %8d %6d %6d\n", name, code, comment, blank, code + comment + blank }'
done | awk '{ print } { c += $2; m += $3; b += $4; t += $5; n++ }
  END { printf "%-48s %6d %8d %6d %6d\n", n " files", c, m, b, t }'
