#!/usr/bin/env bash
# Start-up cost of the window with an empty journal and with a journal of one
# million entries (issue "teller's window" 10: within 1.2x; nothing may load the
# whole journal). Each run starts certdesk under one Xvfb and stops as soon as
# the login window is shown (CERTDESK_EXIT_AT_LOGIN=1); /usr/bin/time gives the
# elapsed time and the peak RSS.
#   bench/bench_startup.sh [BUILD_DIR=build] [RUNS=7]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-7}
cli=$build/app/certdesk-cli
gui=$build/app/certdesk
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf 'bench-admin-pw\n' > "$work/pw"
CERTDESK_LANG=en "$cli" --data-dir "$work/empty" init --branch BJ01 --admin admin --password-file "$work/pw" >/dev/null
cp -a "$work/empty" "$work/million"
# A million entries of realistic size, written straight into the file (the
# chain is not valid; start-up does not read it). Triggers dropped for the fill.
sqlite3 "$work/million/certdesk.db" <<'SQL'
DROP TRIGGER journal_append_at_head;
DROP TRIGGER journal_move_anchor;
DROP TRIGGER journal_anchor_forward_only;
WITH RECURSIVE n(i) AS (SELECT (SELECT max(seq) FROM journal) + 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT max(seq) FROM journal) + 1000000)
INSERT INTO journal (seq, utc_time, business_day, workstation, staff, action, order_id, organisation,
                     token_serial, cert_serial, amount_fen, receipt_no, outcome, details, flow, prev_hash, hash)
SELECT i, '2026-06-01T02:00:00Z', date('2026-01-01', '+' || (i / 10000) || ' days'), 'ws1',
       'teller' || (i % 7), 'order.completed', i / 12, '91110108MA01C8D24U', '21' || (10000000 + i % 900000),
       lower(hex(randomblob(16))), CASE WHEN i % 12 = 0 THEN 5000 END, '', CASE WHEN i % 97 = 0 THEN '9002' ELSE '0000' END,
       'issue', 'issue', lower(hex(randomblob(32))), lower(hex(randomblob(32)))
FROM n;
UPDATE journal_anchor SET count = (SELECT count(*) FROM journal), head_hash = (SELECT hash FROM journal ORDER BY seq DESC LIMIT 1);
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "journal sizes: empty $(du -h "$work/empty/certdesk.db" | cut -f1), million $(du -h "$work/million/certdesk.db" | cut -f1)"
measure() {
  local dir=$1
  for _ in $(seq "$runs"); do
    CERTDESK_EXIT_AT_LOGIN=1 /usr/bin/time -f "%e %M" "$gui" --data-dir "$dir" 2>&1 >/dev/null | tail -1
  done | sort -n | awk '{t[NR]=$1; m[NR]=$2} END {printf "%.3f %d\n", t[int((NR+1)/2)], m[int((NR+1)/2)]}'
}
# One X server for every run.
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
export DISPLAY=$display
read -r t0 m0 <<<"$(measure "$work/empty")"
read -r t1 m1 <<<"$(measure "$work/million")"
echo "start to login window, median of $runs: empty ${t0}s ${m0} kB peak RSS; 1M entries ${t1}s ${m1} kB"
awk -v a="$t0" -v b="$t1" -v c="$m0" -v d="$m1" 'BEGIN {printf "ratio: time %.2fx, memory %.2fx (target <= 1.2x)\n", b/a, d/c}'
