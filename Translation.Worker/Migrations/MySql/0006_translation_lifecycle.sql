-- The translation lifecycle: who asked, which engine (and version) answered, what a reviewer decided, and an audit
-- trail of every state change. Each statement can run again (IF NOT EXISTS), so a run that failed half-way is repeated.
-- requested_by: the key that registered the job. engine/engine_version: what the job was last claimed for (or, for a
-- translation taken from memory, what made it); producer is that engine's translation-memory key. engine_override
-- sends a re-queued job to another engine than the configured one; bypass_memory makes its next claim ask the engine
-- even when memory knows the text (forced re-translation, re-queue after a rejection).
ALTER TABLE translation_jobs
    ADD COLUMN IF NOT EXISTS requested_by    VARCHAR(200) NULL,
    ADD COLUMN IF NOT EXISTS engine          VARCHAR(32)  NULL,
    ADD COLUMN IF NOT EXISTS engine_version  VARCHAR(200) NULL,
    ADD COLUMN IF NOT EXISTS producer        VARCHAR(200) NULL,
    ADD COLUMN IF NOT EXISTS engine_override VARCHAR(32)  NULL,
    ADD COLUMN IF NOT EXISTS bypass_memory   BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN IF NOT EXISTS review_status   VARCHAR(16)  NULL,
    ADD COLUMN IF NOT EXISTS reviewed_by     VARCHAR(200) NULL,
    ADD COLUMN IF NOT EXISTS reviewed_at     DATETIME(6)  NULL,
    ADD COLUMN IF NOT EXISTS review_note     TEXT         NULL,
    -- (status, updated_at, job_id): the failed-jobs view and its bulk re-queue, by time, in keyset order.
    ADD INDEX IF NOT EXISTS idx_jobs_status_updated (status, updated_at);

-- An approved translation is preferred over any engine's, whichever engine made it.
ALTER TABLE translation_memory
    ADD COLUMN IF NOT EXISTS approved BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per state change of a job, written in the transaction of the change. Read per business id in event order
-- (optionally per language), and collected by age.
CREATE TABLE IF NOT EXISTS translation_job_events (
    event_id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    job_id      CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    business_id VARCHAR(255) NOT NULL,
    target_lang VARCHAR(35)  NOT NULL,
    event       VARCHAR(16)  NOT NULL,
    actor       VARCHAR(200) NOT NULL,
    old_status  VARCHAR(16)  NULL,
    new_status  VARCHAR(16)  NOT NULL,
    detail      TEXT         NULL,
    created_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (event_id),
    KEY idx_events_business (business_id, event_id),
    KEY idx_events_business_lang (business_id, target_lang, event_id),
    KEY idx_events_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Jobs are inserted by the generic stream flusher (insert-only, a replay inserts nothing); the trigger records the
-- request in that same transaction and only for a row really inserted, which the flusher cannot tell apart itself.
CREATE TRIGGER IF NOT EXISTS trg_jobs_requested AFTER INSERT ON translation_jobs FOR EACH ROW
    INSERT INTO translation_job_events (job_id, business_id, target_lang, event, actor, old_status, new_status, detail, created_at)
    VALUES (NEW.job_id, NEW.business_id, NEW.target_lang, 'requested', COALESCE(NEW.requested_by, 'unknown'), NULL, NEW.status, NULL, UTC_TIMESTAMP(6));
