"""Every call of the client against a running stack, through its gateway."""

import json
import unittest

import support
from persistence_client import (
    PersistenceApiError, ReadConsistency, SessionDetail, SyncPersistenceClient, TaskDetail, TaskRecord,
)
from support import needs_stack, session, task


@needs_stack
class IngestTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = support.client()
        self.p = support.prefix()

    async def test_a_session_and_its_tasks_are_accepted_and_after_flush_all_they_are_readable(self):
        accepted = await self.client.persist_session(session(f"{self.p}-s", total_tasks=2))
        self.assertEqual(("accepted", 1), (accepted.status, accepted.count))
        accepted = await self.client.persist_tasks([task(f"{self.p}-t{i}", f"{self.p}-s") for i in range(2)])
        self.assertEqual(2, accepted.count)

        flushed = await self.client.flush_all(timeout=60)

        self.assertEqual("flushed", flushed.status)
        stored = await self.client.get_session(f"{self.p}-s")
        self.assertIsInstance(stored, SessionDetail)
        self.assertEqual(("processing", 2, 2), (stored.status, stored.total_tasks, stored.tasks.total))

    async def test_records_given_as_mappings_with_the_wire_names_are_sent_as_they_are(self):
        await self.client.persist_sessions([session(f"{self.p}-s").__dict__])
        await self.client.persist_tasks({**task(f"{self.p}-t", f"{self.p}-s").__dict__, "metadata": {"file": "a.md", "line": 3}})
        stored = await self.client.get_task(f"{self.p}-t", ReadConsistency.STRONG)
        self.assertEqual({"file": "a.md", "line": 3}, stored.metadata)

    async def test_an_older_state_sent_after_a_newer_one_does_not_overwrite_it(self):
        await self.client.persist_tasks([task(f"{self.p}-t", f"{self.p}-s", "completed", version=2, translated_text="Hallo")])
        await self.client.persist_tasks([task(f"{self.p}-t", f"{self.p}-s", "pending", version=1)])
        stored = await self.client.get_task(f"{self.p}-t", ReadConsistency.STRONG)
        self.assertEqual(("completed", "Hallo"), (stored.status, stored.translated_text))

    async def test_a_bad_batch_raises_the_problem_naming_each_item_and_field_and_nothing_is_accepted(self):
        good = task(f"{self.p}-good", f"{self.p}-s")
        bad = TaskRecord(task_id=f"{self.p}-bad", session_id=f"{self.p}-s", status="sleeping", created_at=support.moment(), updated_at=support.moment())
        with self.assertRaises(PersistenceApiError) as raised:
            await self.client.persist_tasks([good, bad])
        error = raised.exception
        self.assertEqual(400, error.status)
        self.assertIn((1, "status"), [(e.index, e.field) for e in error.errors])
        self.assertNotIn(0, [e.index for e in error.errors])
        self.assertIsNone(await self.client.get_task(f"{self.p}-good", ReadConsistency.STRONG))

    async def test_a_wrong_key_raises_401(self):
        with self.assertRaises(PersistenceApiError) as raised:
            await support.client(api_key="wrong.key").persist_session(session(f"{self.p}-s"))
        self.assertEqual(401, raised.exception.status)
        self.assertFalse(raised.exception.is_transient)

    async def test_stats_describe_the_pipeline(self):
        stats = await self.client.get_stats()
        self.assertTrue({"streams", "dead_letters", "backpressure"} <= set(stats))


@needs_stack
class ReadTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = support.client()
        self.p = support.prefix()
        await self.client.persist_sessions([session(f"{self.p}-s{i}", "paused", source_lang="xx") for i in range(3)])
        await self.client.persist_tasks([task(f"{self.p}-t{i:02}", f"{self.p}-s0", "failed" if i % 2 else "pending") for i in range(7)])
        await self.client.flush_all(timeout=60)

    async def test_sessions_page_by_number_with_a_total_and_by_cursor_to_the_end(self):
        first = await self.client.get_session_page(source_lang="xx", status=["paused"], page=1, page_size=2)
        self.assertGreaterEqual(first.total, 3)
        self.assertEqual((1, 2, 2), (first.page, first.page_size, len(first.items)))

        listed = [s.session_id async for s in self.client.list_sessions(source_lang="xx", status=["paused"], page_size=2)]

        self.assertLessEqual({f"{self.p}-s{i}" for i in range(3)}, set(listed))
        self.assertEqual(len(listed), len(set(listed)))

    async def test_a_sessions_tasks_are_listed_in_task_id_order_page_by_page_and_filtered_by_status(self):
        every = [t.task_id async for t in self.client.list_tasks(f"{self.p}-s0", page_size=3)]
        failed = [t.task_id async for t in self.client.list_tasks(f"{self.p}-s0", status=["failed"])]
        self.assertEqual([f"{self.p}-t{i:02}" for i in range(7)], every)
        self.assertEqual([f"{self.p}-t{i:02}" for i in (1, 3, 5)], failed)
        page = await self.client.get_task_page(f"{self.p}-s0", page_size=3)
        self.assertEqual(3, len(page.items))
        self.assertIsNotNone(page.next_cursor)

    async def test_a_single_row_is_read_in_full_and_an_unknown_one_is_none(self):
        stored = await self.client.get_task(f"{self.p}-t00")
        self.assertIsInstance(stored, TaskDetail)
        self.assertEqual(("pending", "Hello", "de"), (stored.status, stored.source_text, stored.target_lang))
        self.assertIsNone(await self.client.get_task(f"{self.p}-none"))
        self.assertIsNone(await self.client.get_session(f"{self.p}-none"))

    async def test_the_tasks_of_an_unknown_session_raise_404(self):
        with self.assertRaises(PersistenceApiError) as raised:
            await self.client.get_task_page(f"{self.p}-none")
        self.assertEqual(404, raised.exception.status)

    async def test_a_bad_query_parameter_is_named_in_the_problem(self):
        with self.assertRaises(PersistenceApiError) as raised:
            await self.client.get_session_page(page_size=0)
        self.assertEqual(400, raised.exception.status)
        self.assertEqual(["page_size"], [e.field for e in raised.exception.errors])
        self.assertIsNone(raised.exception.errors[0].index)

    async def test_incomplete_sessions_include_a_paused_one(self):
        found = False
        async for s in self.client.list_incomplete_sessions(page_size=200):
            found = found or s.session_id == f"{self.p}-s0"
        self.assertTrue(found)

    async def test_restore_streams_the_session_and_its_unfinished_tasks_to_the_closing_complete(self):
        async with await self.client.restore_session(f"{self.p}-s0", ReadConsistency.STRONG) as package:
            chunks = [chunk async for chunk in package]
        document = json.loads(b"".join(chunks))
        self.assertTrue(document["complete"])
        self.assertEqual(f"{self.p}-s0", document["session"]["session_id"])
        self.assertEqual(document["task_count"], len(document["tasks"]))
        self.assertGreaterEqual(document["task_count"], 4)
        self.assertIsNone(await self.client.restore_session(f"{self.p}-none"))


@needs_stack
class TranslationTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = support.client()
        self.p = support.prefix()

    async def test_a_request_names_one_job_per_language_and_sending_it_again_names_the_same_jobs(self):
        request = {"business_id": f"{self.p}/docs/intro.title", "text": "Hello", "source_lang": "en", "target_langs": ["de", "fr"]}
        first = await self.client.request_translation(request)
        again = await self.client.request_translation(request)
        self.assertEqual(["de", "fr"], sorted(j.target_lang for j in first.jobs))
        self.assertEqual({j.job_id for j in first.jobs}, {j.job_id for j in again.jobs})

        await self.client.flush_all(timeout=60)
        state = await self.client.get_translation(f"{self.p}/docs/intro.title")
        self.assertEqual({j.job_id for j in first.jobs}, {j.job_id for j in state.translations})
        german = await self.client.get_translation(f"{self.p}/docs/intro.title", lang="de")
        self.assertEqual(["de"], [j.target_lang for j in german.translations])
        self.assertIsNone(await self.client.get_translation(f"{self.p}/unknown"))

    async def test_a_batch_of_requests_is_accepted_and_its_jobs_are_listed_by_language(self):
        accepted = await self.client.request_translations(
            [{"business_id": f"{self.p}/b{i}", "text": f"Text {self.p} {i}", "source_lang": "en", "target_langs": ["ja"]} for i in range(3)])
        self.assertEqual(3, accepted.count)
        await self.client.flush_all(timeout=60)
        ids = {j.job_id for item in accepted.items for j in item.jobs}
        listed = set()
        async for job in self.client.list_translation_jobs(lang="ja", page_size=500):
            listed.add(job.job_id)
        self.assertLessEqual(ids, listed)

    async def test_retrying_a_job_that_has_not_failed_raises_409(self):
        accepted = await self.client.request_translation({"business_id": f"{self.p}/r", "text": "Hi", "source_lang": "en", "target_langs": ["de"]})
        await self.client.flush_all(timeout=60)
        with self.assertRaises(PersistenceApiError) as raised:
            await self.client.retry_translation_job(accepted.jobs[0].job_id)
        self.assertEqual(409, raised.exception.status)


@needs_stack
class SyncClientTests(unittest.TestCase):
    def test_the_blocking_client_makes_the_same_calls(self):
        p = support.prefix()
        with SyncPersistenceClient(support.URL, support.API_KEY) as client:
            self.assertEqual(1, client.persist_session(session(f"{p}-s")).count)
            writer = client.writer(max_batch_delay=0.05)
            self.assertTrue(writer.persist_tasks([task(f"{p}-t{i}", f"{p}-s") for i in range(3)]))
            self.assertEqual("flushed", writer.flush_all(timeout=60).status)
            self.assertEqual(3, len(client.list_tasks(f"{p}-s")))
            self.assertEqual(3, writer.counters.delivered)


if __name__ == "__main__":
    unittest.main()
