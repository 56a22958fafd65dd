-- Indexes for the query, recovery and garbage-collection reads. InnoDB appends the primary key to every secondary
-- index, so (created_at) is really (created_at, session_id): the keyset order of the session list, walked in either
-- direction without a sort. IF NOT EXISTS (MariaDB) lets a run that failed half-way be repeated.
ALTER TABLE translation_sessions
    ADD INDEX IF NOT EXISTS idx_sessions_created (created_at),
    ADD INDEX IF NOT EXISTS idx_sessions_status_updated (status, updated_at);

-- (session_id, task_id): a session's tasks in task_id order, whatever their status.
ALTER TABLE translation_tasks
    ADD INDEX IF NOT EXISTS idx_tasks_session (session_id);
