-- translation_tasks as the first migration creates it (Translation.Worker/Migrations/Scripts/0001), named t.
CREATE TABLE t (
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
