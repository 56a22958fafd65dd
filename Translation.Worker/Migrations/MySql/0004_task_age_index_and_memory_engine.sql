-- (updated_at, task_id): every task by age whatever its status or session. Garbage collection walks it to find tasks
-- whose session is gone (a late replay of a task state landing after its session was collected), which no session
-- batch reaches.
ALTER TABLE translation_tasks
    ADD INDEX IF NOT EXISTS idx_tasks_updated (updated_at);

-- A translation is remembered per engine (the engine and its model), and only the configured engine's are reused:
-- after a switch from the debug engine to a real one, its stand-in output is never served again. The engine joins the
-- key so each engine keeps its own first translation; it is wide enough for a model name.
ALTER TABLE translation_memory
    MODIFY engine VARCHAR(200) NOT NULL,
    DROP PRIMARY KEY,
    ADD PRIMARY KEY (content_hash, target_lang, source_lang, engine);
