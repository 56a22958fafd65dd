-- (updated_at, task_id): every task by age whatever its status or session. Garbage collection walks it to find tasks
-- whose session is gone (a late replay of a task state landing after its session was collected), which no session
-- batch reaches.
ALTER TABLE translation_tasks
    ADD INDEX IF NOT EXISTS idx_tasks_updated (updated_at);
