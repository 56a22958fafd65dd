-- One row per session and per task holding its newest known state. row_version orders the states a record went
-- through: updated_at in microseconds, then the Redis stream entry id that carried it (big-endian, so byte order is
-- numeric order). An upsert only replaces a row whose row_version is smaller, which makes replays no-ops and keeps
-- an older update from overwriting a newer one.
CREATE TABLE IF NOT EXISTS translation_sessions (
    session_id      VARCHAR(64)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    source_lang     VARCHAR(35)  NULL,
    target_langs    JSON         NULL,
    total_tasks     INT          NULL,
    completed_tasks INT          NULL,
    failed_tasks    INT          NULL,
    metadata        JSON         NULL,
    created_at      DATETIME(6)  NOT NULL,
    updated_at      DATETIME(6)  NOT NULL,
    row_version     BINARY(24)   NOT NULL,
    PRIMARY KEY (session_id),
    KEY idx_sessions_status_created (status, created_at),
    KEY idx_sessions_updated (updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS translation_tasks (
    task_id         VARCHAR(64)  NOT NULL,
    session_id      VARCHAR(64)  NOT NULL,
    batch_id        VARCHAR(64)  NULL,
    status          VARCHAR(16)  NOT NULL,
    source_lang     VARCHAR(35)  NULL,
    target_lang     VARCHAR(35)  NULL,
    source_text     MEDIUMTEXT   NULL,
    translated_text MEDIUMTEXT   NULL,
    error           TEXT         NULL,
    attempts        INT          NULL,
    metadata        JSON         NULL,
    created_at      DATETIME(6)  NOT NULL,
    updated_at      DATETIME(6)  NOT NULL,
    row_version     BINARY(24)   NOT NULL,
    PRIMARY KEY (task_id),
    KEY idx_tasks_session_status (session_id, status),
    KEY idx_tasks_batch (batch_id),
    KEY idx_tasks_status_updated (status, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
