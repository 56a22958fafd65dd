#!/usr/bin/env python3
"""MariaDB's CPU per row for the two statement shapes issue 24 named for the lean flush path: the worker's multi-row
INSERT ... ON DUPLICATE KEY UPDATE with every value a literal, and one JSON document unpacked by JSON_TABLE into an
INSERT ... SELECT with the same guard. Same rows (each key inserted, then updated to a newer state), same table
(translation_tasks' DDL from the first migration), one mariadbd; its CPU is read from /proc/<pid>/stat around each shape, rounds alternating.
Usage: python3 json_table_vs_literals.py <mariadbd socket> <mariadbd pid>   (docs/benchmarks.md, "The lean flush path")"""
import json, os, re, subprocess, sys, time
SOCK, PID = sys.argv[1], int(sys.argv[2])
ROWS, STATEMENTS, ROUNDS = 1000, 40, 4
cols = ["task_id","session_id","batch_id","status","source_lang","target_lang","source_text","translated_text","error","attempts","metadata","created_at","updated_at"]
guard = ", ".join(f"{c} = IF(VALUES(row_version) > row_version, VALUES({c}), {c})" for c in cols[1:]) + ", row_version = GREATEST(row_version, VALUES(row_version))"
def rows(prefix, stmt, version):
    out = []
    for i in range(ROWS):
        us = version * 1000000 + i
        ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1764900000 + version)) + ".%06d" % (i % 1000000)
        out.append(dict(task_id=f"{prefix}-{stmt}-{i}", session_id=f"{prefix}-s{stmt}", batch_id=f"b{stmt}", status="completed" if version else "pending",
            source_lang="en", target_lang="zh", source_text="The quick brown fox jumps over the lazy dog " * 4, translated_text=None if not version else "translated text " * 8,
            error=None, attempts=1, metadata=json.dumps({"tenant": "t1", "priority": i % 5}), created_at=ts, updated_at=ts, rv="%048x" % us))
    return out
def lit(v):
    if v is None: return "NULL"
    if isinstance(v, int): return str(v)
    return "'" + v.replace("'", "''") + "'"
def text_stmt(rs):
    vals = ",".join("(" + ",".join(lit(r[c]) for c in cols) + ",X'" + r["rv"] + "')" for r in rs)
    return f"INSERT INTO t ({','.join(cols)},row_version) VALUES {vals} ON DUPLICATE KEY UPDATE {guard};"
jcols = ("j_task_id VARCHAR(64) PATH '$.task_id', j_session_id VARCHAR(64) PATH '$.session_id', j_batch_id VARCHAR(64) PATH '$.batch_id', "
 "j_status VARCHAR(16) PATH '$.status', j_source_lang VARCHAR(35) PATH '$.source_lang', j_target_lang VARCHAR(35) PATH '$.target_lang', "
 "j_source_text MEDIUMTEXT PATH '$.source_text', j_translated_text MEDIUMTEXT PATH '$.translated_text', j_error TEXT PATH '$.error', "
 "j_attempts INT PATH '$.attempts', j_metadata TEXT PATH '$.metadata', j_created_at VARCHAR(26) PATH '$.created_at', "
 "j_updated_at VARCHAR(26) PATH '$.updated_at', j_rv VARCHAR(48) PATH '$.rv'")
def json_stmt(rs):
    doc = json.dumps(rs, separators=(",", ":")).replace("\\", "\\\\").replace("'", "''")
    sel = ",".join(("CAST(j_%s AS DATETIME(6))" % c) if c.endswith("_at") else "j_" + c for c in cols) + ",UNHEX(j_rv)"
    return f"INSERT INTO t ({','.join(cols)},row_version) SELECT {sel} FROM JSON_TABLE('{doc}', '$[*]' COLUMNS ({jcols})) AS j ON DUPLICATE KEY UPDATE {guard};"
def cpu():
    f = open(f"/proc/{PID}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
def run(sql):
    subprocess.run(["mariadb", "-S", SOCK, "-uroot", "bench"], input=sql.encode(), check=True)
subprocess.run(["mariadb", "-S", SOCK, "-uroot", "-e", "CREATE DATABASE IF NOT EXISTS bench"], check=True)
migration = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Translation.Worker/Migrations/Scripts/0001_create_translation_tables.sql")
# translation_tasks as the first migration creates it, named t
ddl = re.search(r"CREATE TABLE IF NOT EXISTS translation_tasks .*?;", open(migration).read(), re.S).group(0).replace("IF NOT EXISTS translation_tasks", "t")
res = {"text": [], "json_table": []}
for rnd in range(ROUNDS):
    for shape, build in (("text", text_stmt), ("json_table", json_stmt)) if rnd % 2 == 0 else (("json_table", json_stmt), ("text", text_stmt)):
        run("DROP TABLE IF EXISTS t;" + ddl)
        # insert (version 0) then update (version 1) of the same keys: a row's first and its newer state
        script = "".join("BEGIN;" + build(rows(shape, s, v)) + "COMMIT;" for v in (0, 1) for s in range(STATEMENTS))
        before = cpu(); run(script); used = cpu() - before
        res[shape].append(used / (2 * STATEMENTS * ROWS) * 1e6)
        check = subprocess.run(["mariadb", "-S", SOCK, "-uroot", "bench", "-N", "-e", "SELECT COUNT(*), SUM(status='completed'), SUM(JSON_VALID(metadata)) FROM t"], capture_output=True, text=True).stdout.split()
        print(shape, f"round {rnd}: {res[shape][-1]:.1f} µs server CPU per row; rows, completed, valid metadata:", check, flush=True)
for k, v in res.items():
    v.sort(); print(k, "median µs/row", round(v[len(v)//2], 2), "all", [round(x, 1) for x in v])
print("ratio json_table/text (medians)", round(sorted(res["json_table"])[ROUNDS//2] / sorted(res["text"])[ROUNDS//2], 3))
