-- Translation requests and their processing. A content is a text with its source language and context, stored once
-- however many business ids ask for it. A job is one content into one target language for one business id; its id is
-- a hash of all of these, so registering the same request again inserts nothing.
CREATE TABLE IF NOT EXISTS translation_contents (
    content_hash     CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    source_lang      VARCHAR(35)  NOT NULL,
    text             MEDIUMTEXT   NOT NULL,
    context          JSON         NULL,
    created_at       DATETIME(6)  NOT NULL,
    row_version      BINARY(24)   NOT NULL,
    PRIMARY KEY (content_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Workers claim with SELECT … FOR UPDATE SKIP LOCKED on idx_jobs_claim. A claimed job is 'translating' with a lease,
-- and its next_attempt_at is set to the lease's end, so one index range finds both pending jobs that are due and
-- jobs whose worker died (lease expired).
CREATE TABLE IF NOT EXISTS translation_jobs (
    job_id           CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    business_id      VARCHAR(255) NOT NULL,
    content_hash     CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    source_lang      VARCHAR(35)  NOT NULL,
    target_lang      VARCHAR(35)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    result           MEDIUMTEXT   NULL,
    error            TEXT         NULL,
    attempts         INT          NOT NULL DEFAULT 0,
    reused           BOOLEAN      NOT NULL DEFAULT FALSE,
    lease_owner      VARCHAR(200) NULL,
    lease_expires_at DATETIME(6)  NULL,
    next_attempt_at  DATETIME(6)  NOT NULL,
    created_at       DATETIME(6)  NOT NULL,
    updated_at       DATETIME(6)  NOT NULL,
    row_version      BINARY(24)   NOT NULL,
    PRIMARY KEY (job_id),
    KEY idx_jobs_claim (target_lang, status, next_attempt_at),
    KEY idx_jobs_business (business_id, target_lang, created_at),
    KEY idx_jobs_status (status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Translations already made, so identical content is never sent to an engine twice. The key starts with the content
-- hash (which already covers the source language) so a batch's lookup is one range per hash.
CREATE TABLE IF NOT EXISTS translation_memory (
    source_lang      VARCHAR(35)  NOT NULL,
    target_lang      VARCHAR(35)  NOT NULL,
    content_hash     CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    translated_text  MEDIUMTEXT   NOT NULL,
    engine           VARCHAR(32)  NOT NULL,
    created_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (content_hash, target_lang, source_lang)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
