#!/usr/bin/env bash
# Measures the recovery time (RTO) of a lost stack, by hand, not in CI:
#   bench/backup/measure-rto.sh [ROWS] [--binlog-rows N] [--database mysql|postgres]
#   (needs a build: dotnet build AppHost; dotnet build Translation.Worker)
# ROWS (default 1000000) task rows are loaded straight into translation_tasks before `backup --to`; with --binlog-rows N,
# N more rows are written after it, in transactions of 1,000 rows as the worker commits them, so they exist only in the
# archived binary log. Then both data folders are destroyed, the stack is started on empty ones, and `restore --from`
# (with --to-latest when N > 0) brings the rows back. Prints each phase's seconds and the total against the seed's
# RTO of 60 minutes. `bench/backup/measure-rto.sh 0 --binlog-rows 1000000`: a recovery whose data all comes from the log.
# With --database postgres the stack keeps its tables in PostgreSQL (pg_dump and psql); it has no binary log.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=1000000
binlog_rows=0
database=mysql
while [ $# -gt 0 ]; do
  case "$1" in
    --binlog-rows) binlog_rows="${2:?--binlog-rows needs a row count}"; shift 2 ;;
    --database) database="${2:?--database needs mysql or postgres}"; shift 2 ;;
    [0-9]*) rows="$1"; shift ;;
    *) echo "usage: $0 [ROWS] [--binlog-rows N] [--database mysql|postgres]" >&2; exit 2 ;;
  esac
done
case "$database" in
  mysql|mariadb) database=mysql; server_folder=mysql ;;
  postgres) server_folder=postgres
    [ "$binlog_rows" = 0 ] || { echo "--binlog-rows needs MariaDB's binary log; PostgreSQL has no point-in-time restore here" >&2; exit 2; } ;;
  *) echo "--database is mysql or postgres" >&2; exit 2 ;;
esac
work="$(mktemp -d /tmp/backup-rto-XXXXXX)"
# Run as root, the AppHost starts PostgreSQL as the postgres account, which must pass through to the state folder.
if [ "$database" = postgres ]; then chmod o+x "$work"; fi
state="$work/state"
archive="$state/binlog-archiver"
apphost=AppHost/bin/Debug/net10.0/AppHost.dll
worker=Translation.Worker/bin/Debug/net10.0/Translation.Worker.dll
batch=1000
pid=""

stop_stack() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
  # The servers run in the orchestrator's sessions, not this one: wait until the ones on this state folder are gone.
  for _ in $(seq 1 60); do pgrep -f -- "$state/" >/dev/null || return 0; sleep 1; done
}
trap 'stop_stack; rm -rf "$work"' EXIT

start_stack() {
  rm -f "$state/resources.json"
  # A session of its own: stopping, the orchestrator signals its whole process group, which would include this script.
  setsid dotnet "$apphost" --state-dir "$state" --database "$database" --gateway-port 0 --replicas 1 --workers 1 --gateways 1 --no-dashboard --quiet "$@" >"$work/apphost.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 180); do
    grep -q '^Ready\.' "$work/apphost.log" && return 0
    sleep 1
  done
  echo "The stack did not start:"; tail -20 "$work/apphost.log"; exit 1
}

# restore refuses while a worker runs: stopped gracefully, a worker deletes its heartbeat (the stack runs with --no-restart).
stop_workers() {
  local worker_pid
  for worker_pid in $(python3 -c 'import json,sys; print(*[r["pid"] for r in json.load(open(sys.argv[1]))["resources"] if r["name"].startswith("translation-worker") and r.get("pid")])' "$state/resources.json"); do
    kill -TERM "$worker_pid"
    while kill -0 "$worker_pid" 2>/dev/null; do sleep 0.2; done
  done
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
# The account the AppHost created for replaying the log (BINLOG REPLAY), with its password from secrets.json.
replay_connection() {
  python3 - "$(connection persistencedb)" "$state/secrets.json" <<'PY'
import json, sys
parts = [p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p]
secret = json.load(open(sys.argv[2]))["MySqlReplayPassword"]
replaced = {"user id": "binlog-replay", "uid": "binlog-replay", "password": secret, "pwd": secret}
print(";".join(f"{k}={replaced.get(k.lower(), v)}" for k, v in parts))
PY
}
run_worker() { (cd "$(dirname "$worker")" && dotnet "$(basename "$worker")" "$@" "--Storage:Backend=$database" "--ConnectionStrings:persistencedb=$(connection persistencedb)" "--ConnectionStrings:redis=$(connection redis)"); }
# PostgreSQL's client with the Npgsql connection string in libpq's variables (a scratch stack's password, on loopback).
psql_run() {
  eval "$(python3 - "$(connection persistencedb)" <<'PY'
import shlex, sys
low = {k.strip().lower(): v for k, v in (p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)}
for var, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "username"), ("PGPASSWORD", "password"), ("PGDATABASE", "database")):
    print(f"export {var}={shlex.quote(low[key])}")
PY
)"
  psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 "$@"
}
# The same task rows on PostgreSQL.
insert_rows_postgres() {
  echo "INSERT INTO translation_tasks (task_id, session_id, batch_id, status, source_lang, target_lang, source_text, translated_text,
                                 attempts, metadata, created_at, updated_at, row_version)
  SELECT '$1' || seq, '$1s' || (seq / 100), 'b-$1s' || (seq / 100), 'completed', 'en', 'zh-CN',
         'Hello world, this is sentence number ' || seq || ' of the restore drill.', '你好，世界 ' || seq, 1,
         json_build_object('n', seq), '2026-03-01 08:00:00Z', '2026-03-01 08:00:01Z', decode(lpad(to_hex(seq), 48, '0'), 'hex')
  FROM generate_series($2, $3) AS seq;"
}
load_rows() {
  if [ "$database" = postgres ]; then psql_run -c "$(insert_rows_postgres rto-t 1 "$rows")"; else
    # shellcheck disable=SC2046
    mariadb $(mysql_args) -e "$(insert_rows rto-t 1 "$rows")"; fi
}
tasks_checksum() {
  if [ "$database" = postgres ]; then psql_run -At -c "SELECT md5(string_agg(t::text, E'\\n' ORDER BY task_id)) FROM translation_tasks t"; else
    # shellcheck disable=SC2046
    mariadb $(mysql_args) -N -e "CHECKSUM TABLE translation_tasks EXTENDED" | cut -f2; fi
}
seconds() { python3 -c 'import sys; print(f"{(int(sys.argv[2]) - int(sys.argv[1])) / 1e9:.1f}")' "$1" "$2"; }

# INSERT of task rows FROM..TO (ids PREFIX<n>), the shape and size the flusher writes.
insert_rows() {
  echo "INSERT INTO translation_tasks (task_id, session_id, batch_id, status, source_lang, target_lang, source_text, translated_text,
                                 attempts, metadata, created_at, updated_at, row_version)
  SELECT CONCAT('$1', seq), CONCAT('$1s', seq DIV 100), CONCAT('b-$1s', seq DIV 100), 'completed', 'en', 'zh-CN',
         CONCAT('Hello world, this is sentence number ', seq, ' of the restore drill.'), CONCAT('你好，世界 ', seq), 1,
         JSON_OBJECT('n', seq), '2026-03-01 08:00:00', '2026-03-01 08:00:01', UNHEX(LPAD(HEX(seq), 48, '0'))
  FROM seq_$2_to_$3;"
}

# Waits until the archive holds every byte of every binary-log file the server wrote, as the drill test does.
wait_for_archive() {
  local data="$state/mysql/data" folder
  folder="$archive/server-$(cat "$data/server-id")"
  for _ in $(seq 1 600); do
    local behind=0 log
    for log in "$data"/binlog.[0-9]*; do
      [ "$(stat -c %s "$log")" = "$(stat -c %s "$folder/$(basename "$log")" 2>/dev/null || echo -1)" ] || behind=1
    done
    [ "$behind" = 0 ] && return 0
    sleep 0.5
  done
  echo "The archive did not catch up with the server's binary log in 300 s"; exit 1
}

start_stack
if [ "$rows" -gt 0 ]; then
  echo "Loading $rows task rows before the backup..."
  load_rows
fi

t0=$(date +%s%N); run_worker backup --to "$work/backup"; t1=$(date +%s%N)
echo "backup: $(seconds "$t0" "$t1") s, $(du -sh "$work/backup" | cut -f1)"

if [ "$binlog_rows" -gt 0 ]; then
  echo "Writing $binlog_rows task rows after the backup, $batch per transaction..."
  t0=$(date +%s%N)
  # shellcheck disable=SC2046
  for ((first = 1; first <= binlog_rows; first += batch)); do
    insert_rows rto-l "$first" $((first + batch - 1 < binlog_rows ? first + batch - 1 : binlog_rows))
  done | mariadb $(mysql_args)
  t1=$(date +%s%N)
  wait_for_archive
  t2=$(date +%s%N)
  echo "written in $(seconds "$t0" "$t1") s; the archive held all of it $(seconds "$t1" "$t2") s later: $(du -sh "$archive" | cut -f1) archived"
fi
before=$(tasks_checksum)

stop_stack
rm -rf "$state/redis" "$state/$server_folder/data"
t0=$(date +%s%N); start_stack --no-restart; t1=$(date +%s%N)
stop_workers
restore_args=()
if [ "$binlog_rows" -gt 0 ]; then
  # The replay account is created again with the password secrets.json keeps, which outlives the data folders.
  restore_args=(--to-latest --archive "$archive" "--ConnectionStrings:binlog-replay=$(replay_connection)")
fi
t2=$(date +%s%N); run_worker restore --from "$work/backup" "${restore_args[@]}" | tee "$work/restore.log"; t3=$(date +%s%N)
after=$(tasks_checksum)
[ "$before" = "$after" ] && echo "translation_tasks checksum matches ($after)" || { echo "checksum differs: $before vs $after"; exit 1; }

# The command's own times: the whole restore, and the replay within it.
inside=$(sed -n 's/^Restored the backup .* in \([0-9]*\) ms.*/\1/p' "$work/restore.log")
replay=$(sed -n 's/^Replayed the binary log.* in \([0-9]*\) ms\./\1/p' "$work/restore.log")
python3 - "$(seconds "$t0" "$t1")" "$(seconds "$t2" "$t3")" "$inside" "${replay:-0}" "$rows" "$binlog_rows" "$database" <<'PY'
import sys
start, wall, inside, replay = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]) / 1000, int(sys.argv[4]) / 1000
total = start + wall
has_log = sys.argv[7] == "mysql"
print(f"RTO for {int(sys.argv[5]):,} rows in the backup" + (f" and {int(sys.argv[6]):,} in the archived binary log:" if has_log else ":"))
print(f"  start the stack on empty data folders  {start:7.1f} s")
print(f"  restore --from, base backup            {inside - replay:7.1f} s")
if has_log:
    print(f"  restore --from, binary-log replay      {replay:7.1f} s")
print(f"  worker start and exit                  {wall - inside:7.1f} s")
print(f"  total                                  {total:7.1f} s = {total / 3600:.1%} of the 60-minute RTO")
PY
