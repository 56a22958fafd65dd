"""The sample back end (samples/translation_backend.py) run as a back end runs, then its session read back."""

import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

import support
from persistence_client import ReadConsistency
from support import needs_stack

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "translation_backend.py"


@needs_stack
class SampleBackendTests(unittest.IsolatedAsyncioTestCase):
    async def test_the_sample_drives_a_session_of_tasks_through_pause_and_resume_to_completed(self):
        session_id = "sample-" + support.prefix()
        run = subprocess.run([sys.executable, str(SAMPLE), "--tasks", "30", "--session-id", session_id],
                             capture_output=True, text=True, timeout=300, env=dict(os.environ))
        self.assertEqual(0, run.returncode, run.stderr)
        summary = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertEqual((30, 15, 0), (summary["tasks"], summary["resumed_tasks"], summary["undelivered"]))

        client = support.client()
        stored = await client.get_session(session_id)
        failed = [i for i in range(30) if i % 7 == 6]
        self.assertEqual(("completed", 30 - len(failed), len(failed)), (stored.status, stored.completed_tasks, stored.failed_tasks))
        self.assertEqual({"completed": 30 - len(failed), "failed": len(failed)}, {k: v for k, v in stored.tasks.by_status.items() if v})
        self.assertEqual({"sample": "translation_backend"}, stored.metadata)
        tasks = [t async for t in client.list_tasks(session_id, page_size=200)]
        self.assertEqual([f"{session_id}-t{i:03}" for i in range(30)], [t.task_id for t in tasks])
        self.assertEqual([f"{session_id}-t{i:03}" for i in failed], [t.task_id for t in tasks if t.status == "failed"])
        first = await client.get_task(f"{session_id}-t000", ReadConsistency.STRONG)
        self.assertEqual(("completed", "[de] Hello", 1), (first.status, first.translated_text, first.attempts))
        self.assertFalse([s async for s in client.list_incomplete_sessions(page_size=200) if s.session_id == session_id])


if __name__ == "__main__":
    unittest.main()
