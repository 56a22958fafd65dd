#!/usr/bin/env bash
# Measures the backup and restore time (the RTO's main part) for N task rows, by hand, not in CI:
#   bench/backup/measure-rto.sh [ROWS]        (default 1000000; needs a built solution: dotnet build Aspire.sln)
# Starts a one-of-each stack in a temporary state folder, loads ROWS rows straight into translation_tasks, runs
# `backup --to`, destroys both data folders, starts the stack again and runs `restore --from`, printing each time.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
work="$(mktemp -d /tmp/backup-rto-XXXXXX)"
state="$work/state"
apphost=AppHost/bin/Debug/net10.0/AppHost.dll
worker=Translation.Worker/bin/Debug/net10.0/Translation.Worker.dll
pid=""

stop_stack() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
trap 'stop_stack; rm -rf "$work"' EXIT

start_stack() {
  rm -f "$state/resources.json"
  # A session of its own: stopping, the orchestrator signals its whole process group, which would include this script.
  setsid dotnet "$apphost" --state-dir "$state" --gateway-port 0 --replicas 1 --workers 1 --gateways 1 --no-dashboard --quiet >"$work/apphost.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 180); do
    grep -q '^Ready\.' "$work/apphost.log" && return 0
    sleep 1
  done
  echo "The stack did not start:"; tail -20 "$work/apphost.log"; exit 1
}

# Connection strings from the state folder's resources.json; the MySQL one also as client options.
connection() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["connectionStrings"][sys.argv[2]])' "$state/resources.json" "$1"; }
mysql_args() {
  python3 - "$(connection persistencedb)" <<'PY'
import sys
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)
low = {k.lower(): v for k, v in parts.items()}
print(f"--host={low['server']} --port={low['port']} --user={low.get('user id', low.get('uid'))} --password={low['password']} --protocol=tcp {low['database']}")
PY
}
run_worker() { (cd "$(dirname "$worker")" && dotnet "$(basename "$worker")" "$@" "--ConnectionStrings:persistencedb=$(connection persistencedb)" "--ConnectionStrings:redis=$(connection redis)"); }
seconds() { python3 -c 'import sys; print(f"{(int(sys.argv[2]) - int(sys.argv[1])) / 1e9:.1f}")' "$1" "$2"; }

start_stack
echo "Loading $rows task rows..."
# shellcheck disable=SC2046
mariadb $(mysql_args) -e "
  INSERT INTO translation_tasks (task_id, session_id, batch_id, status, source_lang, target_lang, source_text, translated_text,
                                 attempts, metadata, created_at, updated_at, row_version)
  SELECT CONCAT('rto-t', seq), CONCAT('rto-s', seq DIV 100), CONCAT('b-rto-s', seq DIV 100), 'completed', 'en', 'zh-CN',
         CONCAT('Hello world, this is sentence number ', seq, ' of the restore drill.'), CONCAT('你好，世界 ', seq), 1,
         JSON_OBJECT('n', seq), '2026-03-01 08:00:00', '2026-03-01 08:00:01', UNHEX(LPAD(HEX(seq), 48, '0'))
  FROM seq_1_to_${rows};"
# shellcheck disable=SC2046
before=$(mariadb $(mysql_args) -N -e "CHECKSUM TABLE translation_tasks EXTENDED" | cut -f2)

t0=$(date +%s%N); run_worker backup --to "$work/backup"; t1=$(date +%s%N)
echo "backup: $(seconds "$t0" "$t1") s, $(du -sh "$work/backup" | cut -f1)"

stop_stack
rm -rf "$state/redis" "$state/mysql/data"
start_stack
t2=$(date +%s%N); run_worker restore --from "$work/backup"; t3=$(date +%s%N)
echo "restore (verify included): $(seconds "$t2" "$t3") s"
# shellcheck disable=SC2046
after=$(mariadb $(mysql_args) -N -e "CHECKSUM TABLE translation_tasks EXTENDED" | cut -f2)
[ "$before" = "$after" ] && echo "translation_tasks checksum matches ($after)" || { echo "checksum differs: $before vs $after"; exit 1; }
