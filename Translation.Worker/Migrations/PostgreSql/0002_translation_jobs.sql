-- The PostgreSQL schema of MySql/0003, 0004 and 0006: translation requests, their processing, the translation memory
-- and the audit trail (see those scripts for what each column means). Ids and hashes are VARCHAR, not MySQL's CHAR:
-- Npgsql sends strings as text, and text = bpchar casts the column, which then uses no index.
CREATE TABLE IF NOT EXISTS translation_contents (
    content_hash     VARCHAR(64)  COLLATE "C" NOT NULL PRIMARY KEY,
    source_lang      VARCHAR(35)  COLLATE "C" NOT NULL,
    text             TEXT         NOT NULL,
    context          JSON         NULL,
    created_at       TIMESTAMPTZ  NOT NULL,
    row_version      BYTEA        NOT NULL
);

CREATE TABLE IF NOT EXISTS translation_jobs (
    job_id           VARCHAR(32)  COLLATE "C" NOT NULL PRIMARY KEY,
    business_id      VARCHAR(255) COLLATE "C" NOT NULL,
    content_hash     VARCHAR(64)  COLLATE "C" NOT NULL,
    source_lang      VARCHAR(35)  COLLATE "C" NOT NULL,
    target_lang      VARCHAR(35)  COLLATE "C" NOT NULL,
    status           VARCHAR(16)  COLLATE "C" NOT NULL,
    result           TEXT         NULL,
    error            TEXT         NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    reused           BOOLEAN      NOT NULL DEFAULT FALSE,
    lease_owner      VARCHAR(200) NULL,
    lease_expires_at TIMESTAMPTZ  NULL,
    next_attempt_at  TIMESTAMPTZ  NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    row_version      BYTEA        NOT NULL,
    requested_by     VARCHAR(200) NULL,
    engine           VARCHAR(32)  NULL,
    engine_version   VARCHAR(200) NULL,
    producer         VARCHAR(200) NULL,
    engine_override  VARCHAR(32)  NULL,
    bypass_memory    BOOLEAN      NOT NULL DEFAULT FALSE,
    review_status    VARCHAR(16)  NULL,
    reviewed_by      VARCHAR(200) NULL,
    reviewed_at      TIMESTAMPTZ  NULL,
    review_note      TEXT         NULL
);

CREATE INDEX IF NOT EXISTS idx_jobs_claim ON translation_jobs (target_lang, status, next_attempt_at, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_business ON translation_jobs (business_id, target_lang, created_at, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_status ON translation_jobs (status, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_status_updated ON translation_jobs (status, updated_at, job_id);

CREATE TABLE IF NOT EXISTS translation_memory (
    source_lang      VARCHAR(35)  COLLATE "C" NOT NULL,
    target_lang      VARCHAR(35)  COLLATE "C" NOT NULL,
    content_hash     VARCHAR(64)  COLLATE "C" NOT NULL,
    translated_text  TEXT         NOT NULL,
    engine           VARCHAR(200) COLLATE "C" NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL,
    approved         BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (content_hash, target_lang, source_lang, engine)
);

CREATE TABLE IF NOT EXISTS translation_job_events (
    event_id    BIGINT       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      VARCHAR(32)  COLLATE "C" NOT NULL,
    business_id VARCHAR(255) COLLATE "C" NOT NULL,
    target_lang VARCHAR(35)  COLLATE "C" NOT NULL,
    event       VARCHAR(16)  NOT NULL,
    actor       VARCHAR(200) NOT NULL,
    old_status  VARCHAR(16)  NULL,
    new_status  VARCHAR(16)  NOT NULL,
    detail      TEXT         NULL,
    created_at  TIMESTAMPTZ  NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_events_business ON translation_job_events (business_id, event_id);
CREATE INDEX IF NOT EXISTS idx_events_business_lang ON translation_job_events (business_id, target_lang, event_id);
CREATE INDEX IF NOT EXISTS idx_events_created ON translation_job_events (created_at, event_id);

-- As in MySQL, the request is recorded by a trigger in the flush's own transaction, and only for a row really
-- inserted: ON CONFLICT DO NOTHING fires no row trigger for a replay.
CREATE OR REPLACE FUNCTION record_job_requested() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO translation_job_events (job_id, business_id, target_lang, event, actor, old_status, new_status, detail, created_at)
    VALUES (NEW.job_id, NEW.business_id, NEW.target_lang, 'requested', COALESCE(NEW.requested_by, 'unknown'), NULL, NEW.status, NULL, clock_timestamp());
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS trg_jobs_requested ON translation_jobs;
CREATE TRIGGER trg_jobs_requested AFTER INSERT ON translation_jobs FOR EACH ROW EXECUTE FUNCTION record_job_requested();
