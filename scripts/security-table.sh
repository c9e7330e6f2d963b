#!/usr/bin/env bash
# Prints the security suite's table (issue 11) from the rows its tests recorded in
# artifacts/security/rows.tsv during the test run: attack, tries, applied (must be 0),
# database growth, time. Exit 1 when a row says something was applied, or no row is there.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=artifacts/security/rows.tsv
if [ ! -s "$rows" ]; then
  echo "no security rows in $rows: the suite did not run" >&2
  exit 1
fi
{
  printf '| attack | tries | applied | database growth | time |\n'
  printf '| --- | ---: | ---: | ---: | ---: |\n'
  sort "$rows" | awk -F '\t' '{
    growth = ($4 == "-") ? "-" : sprintf("%.1f KiB", $4 / 1024)
    printf "| %s | %s | %s | %s | %s s |\n", $1, $2, $3, growth, $5
  }'
} | tee artifacts/security/table.md
if awk -F '\t' '$3 != 0 { bad = 1 } END { exit !bad }' "$rows"; then
  echo "an attack was applied" >&2
  exit 1
fi
