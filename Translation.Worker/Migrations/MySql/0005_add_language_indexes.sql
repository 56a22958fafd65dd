-- The session list's source_lang filter, alone or with one status per branch, read in either sort order without a
-- scan or a sort: equality on the leading columns, then the sort column (and session_id, appended by InnoDB).
-- target_langs is a JSON array, which MariaDB cannot index; the API only accepts target_lang beside one of these
-- filters, so its test narrows an index range instead of the whole table.
ALTER TABLE translation_sessions
    ADD INDEX IF NOT EXISTS idx_sessions_source_created (source_lang, created_at),
    ADD INDEX IF NOT EXISTS idx_sessions_source_updated (source_lang, updated_at),
    ADD INDEX IF NOT EXISTS idx_sessions_status_source_created (status, source_lang, created_at),
    ADD INDEX IF NOT EXISTS idx_sessions_status_source_updated (status, source_lang, updated_at);
