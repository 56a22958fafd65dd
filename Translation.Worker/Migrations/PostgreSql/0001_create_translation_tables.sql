-- The PostgreSQL schema of MySql/0001, 0002, 0004 and 0005 in one script: one row per session and per task holding
-- its newest known state, and the indexes the reads, recovery and garbage collection walk. row_version orders the
-- states a record went through (updated_at in microseconds, then the stream entry id, big-endian): bytea compares
-- byte by byte, so the upsert's guard (stored.row_version < EXCLUDED.row_version) reads as it does in MySQL.
-- Identifiers and statuses sort by byte (COLLATE "C", as utf8mb4_bin does); JSON columns are json, kept as sent,
-- as MariaDB keeps them. InnoDB appends the primary key to every secondary index; here it is written out, so each
-- index is the keyset order of its read in either direction.
CREATE TABLE IF NOT EXISTS translation_sessions (
    session_id      VARCHAR(64)  COLLATE "C" NOT NULL PRIMARY KEY,
    status          VARCHAR(16)  COLLATE "C" NOT NULL,
    source_lang     VARCHAR(35)  COLLATE "C" NULL,
    target_langs    JSON         NULL,
    total_tasks     INTEGER      NULL,
    completed_tasks INTEGER      NULL,
    failed_tasks    INTEGER      NULL,
    metadata        JSON         NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    row_version     BYTEA        NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_sessions_status_created ON translation_sessions (status, created_at, session_id);
CREATE INDEX IF NOT EXISTS idx_sessions_updated ON translation_sessions (updated_at, session_id);
CREATE INDEX IF NOT EXISTS idx_sessions_created ON translation_sessions (created_at, session_id);
CREATE INDEX IF NOT EXISTS idx_sessions_status_updated ON translation_sessions (status, updated_at, session_id);
CREATE INDEX IF NOT EXISTS idx_sessions_source_created ON translation_sessions (source_lang, created_at, session_id);
CREATE INDEX IF NOT EXISTS idx_sessions_source_updated ON translation_sessions (source_lang, updated_at, session_id);
CREATE INDEX IF NOT EXISTS idx_sessions_status_source_created ON translation_sessions (status, source_lang, created_at, session_id);
CREATE INDEX IF NOT EXISTS idx_sessions_status_source_updated ON translation_sessions (status, source_lang, updated_at, session_id);

CREATE TABLE IF NOT EXISTS translation_tasks (
    task_id         VARCHAR(64)  COLLATE "C" NOT NULL PRIMARY KEY,
    session_id      VARCHAR(64)  COLLATE "C" NOT NULL,
    batch_id        VARCHAR(64)  COLLATE "C" NULL,
    status          VARCHAR(16)  COLLATE "C" NOT NULL,
    source_lang     VARCHAR(35)  COLLATE "C" NULL,
    target_lang     VARCHAR(35)  COLLATE "C" NULL,
    source_text     TEXT         NULL,
    translated_text TEXT         NULL,
    error           TEXT         NULL,
    attempts        INTEGER      NULL,
    metadata        JSON         NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    row_version     BYTEA        NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_tasks_session_status ON translation_tasks (session_id, status, task_id);
CREATE INDEX IF NOT EXISTS idx_tasks_session ON translation_tasks (session_id, task_id);
CREATE INDEX IF NOT EXISTS idx_tasks_batch ON translation_tasks (batch_id, task_id);
CREATE INDEX IF NOT EXISTS idx_tasks_status_updated ON translation_tasks (status, updated_at, task_id);
CREATE INDEX IF NOT EXISTS idx_tasks_updated ON translation_tasks (updated_at, task_id);
