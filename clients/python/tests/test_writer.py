"""The buffered writer against a running stack: batching, bounds, what it gives up and why, and closing."""

import asyncio
import socket
import time
import unittest

import support
from persistence_client import (
    FullMode, PersistenceClient, PersistenceWriter, ReadConsistency, TaskRecord, UndeliveredReason, WriterOptions,
)
from support import needs_stack, session, task


def unreachable_client() -> PersistenceClient:
    """A client of a loopback port nobody listens on: every send fails on the network, as in an outage."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return PersistenceClient(f"http://127.0.0.1:{port}", "any.key", timeout=5)


class Recorder:
    def __init__(self, client):
        self.batches = []
        send = client.send_batch

        async def recording(kind, body):
            self.batches.append(body.count(b'"task_id"') + body.count(b'"session_id"') * (kind == "sessions"))
            return await send(kind, body)

        client.send_batch = recording


@needs_stack
class WriterDeliveryTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = support.client()
        self.p = support.prefix()
        self.undelivered = []

    def options(self, **settings):
        settings.setdefault("on_undelivered", self.undelivered.append)
        return WriterOptions(**settings)

    async def stored_tasks(self, session_id):
        return [t async for t in self.client.list_tasks(session_id, page_size=200, consistency=ReadConsistency.STRONG)]

    async def test_records_go_in_batches_of_at_most_max_batch_size_and_all_arrive_once(self):
        recorder = Recorder(self.client)
        async with PersistenceWriter(self.client, self.options(max_batch_size=100)) as writer:
            self.assertTrue(writer.try_enqueue_session(session(f"{self.p}-s")))
            for i in range(1000):
                self.assertTrue(writer.try_enqueue_task(task(f"{self.p}-t{i:04}", f"{self.p}-s")))
            await writer.flush(timeout=60)
            self.assertEqual(1001, writer.counters.delivered)

        self.assertEqual(1000, sum(b for b in recorder.batches) - 1)
        self.assertLessEqual(max(recorder.batches), 100)
        self.assertEqual([f"{self.p}-t{i:04}" for i in range(1000)], [t.task_id for t in await self.stored_tasks(f"{self.p}-s")])
        self.assertEqual([], self.undelivered)

    async def test_a_batch_short_of_max_batch_size_is_sent_once_its_first_record_waited_max_batch_delay(self):
        recorder = Recorder(self.client)
        async with PersistenceWriter(self.client, self.options(max_batch_delay=0.5)) as writer:
            for i in range(3):
                writer.try_enqueue_task(task(f"{self.p}-t{i}", f"{self.p}-s"))
            await asyncio.sleep(0.2)
            self.assertEqual([], recorder.batches, "sent before the delay")
            started = time.monotonic()
            await writer.flush(timeout=30)
            self.assertLess(time.monotonic() - started, 5)
        self.assertEqual([3], recorder.batches)

    async def test_the_seeds_three_calls_on_the_writer_leave_everything_in_mysql(self):
        async with PersistenceWriter(self.client, self.options()) as writer:
            self.assertTrue(await writer.persist_session(session(f"{self.p}-s", "paused")))
            self.assertTrue(await writer.persist_tasks([task(f"{self.p}-t{i}", f"{self.p}-s") for i in range(5)]))
            flushed = await writer.flush_all(timeout=60)
        self.assertEqual("flushed", flushed.status)
        # Eventual reads: flush_all already waited until MySQL held every record.
        self.assertEqual(5, len([t async for t in self.client.list_tasks(f"{self.p}-s")]))
        self.assertEqual("paused", (await self.client.get_session(f"{self.p}-s")).status)

    async def test_closing_sends_what_the_writer_holds(self):
        writer = PersistenceWriter(self.client, self.options(max_batch_delay=5)).start()
        writer.try_enqueue_session(session(f"{self.p}-s"))
        for i in range(20):
            writer.try_enqueue_task(task(f"{self.p}-t{i:02}", f"{self.p}-s"))
        await writer.close()
        self.assertEqual((21, 0), (writer.counters.delivered, writer.outstanding))
        self.assertFalse(writer.try_enqueue_task(task(f"{self.p}-late", f"{self.p}-s")), "a closed writer takes nothing")
        self.assertEqual(1, writer.counters.refused)
        self.assertEqual(20, len(await self.stored_tasks(f"{self.p}-s")))

    async def test_records_the_api_names_as_bad_are_reported_rejected_and_the_rest_of_their_batch_is_delivered(self):
        bad = TaskRecord(task_id=f"{self.p}-bad", session_id=f"{self.p}-s", status="sleeping", created_at=support.moment(), updated_at=support.moment())
        async with PersistenceWriter(self.client, self.options()) as writer:
            writer.try_enqueue_session(session(f"{self.p}-s"))
            writer.try_enqueue_task(task(f"{self.p}-t0", f"{self.p}-s"))
            writer.try_enqueue_task(bad)
            writer.try_enqueue_task(task(f"{self.p}-t1", f"{self.p}-s"))
            await writer.flush(timeout=30)
            self.assertEqual((3, 1), (writer.counters.delivered, writer.counters.undelivered))

        self.assertEqual(1, len(self.undelivered))
        report = self.undelivered[0]
        self.assertEqual(("tasks", [bad], UndeliveredReason.REJECTED), (report.kind, report.records, report.reason))
        self.assertEqual([(1, "status")], [(e.index, e.field) for e in report.error.errors])
        self.assertEqual([f"{self.p}-t0", f"{self.p}-t1"], [t.task_id for t in await self.stored_tasks(f"{self.p}-s")])

    async def test_a_batch_refused_for_good_is_reported_once_and_not_resent(self):
        recorder_client = support.client(api_key="wrong.key")
        recorder = Recorder(recorder_client)
        async with PersistenceWriter(recorder_client, self.options()) as writer:
            writer.try_enqueue_task(task(f"{self.p}-t", f"{self.p}-s"))
            await writer.flush(timeout=30)
            self.assertEqual((0, 1, 0), (writer.counters.delivered, writer.counters.undelivered, writer.counters.resends))
        self.assertEqual([1], recorder.batches)
        self.assertEqual(401, self.undelivered[0].error.status)

    async def test_a_record_too_large_for_any_batch_is_rejected_at_once(self):
        async with PersistenceWriter(self.client, self.options(max_batch_bytes=4096, capacity_bytes=8192)) as writer:
            self.assertTrue(writer.try_enqueue_task(task(f"{self.p}-big", f"{self.p}-s", source_text="x" * 5000)))
            await writer.flush(timeout=5)
        self.assertEqual(UndeliveredReason.REJECTED, self.undelivered[0].reason)
        self.assertIn("max_batch_bytes", str(self.undelivered[0].error))


@needs_stack
class WriterBoundsTests(unittest.IsolatedAsyncioTestCase):
    """With nothing reachable: the writer holds what it may and no more, and the caller never waits on the network."""

    async def asyncSetUp(self):
        self.p = support.prefix()
        self.undelivered = []

    def writer(self, **settings):
        settings.setdefault("on_undelivered", self.undelivered.append)
        settings.setdefault("max_retry_delay", 0.5)
        return PersistenceWriter(unreachable_client(), WriterOptions(**settings)).start()

    async def test_enqueueing_never_waits_on_the_network(self):
        writer = self.writer()
        started = time.monotonic()
        for i in range(10_000):
            self.assertTrue(writer.try_enqueue_task(task(f"{self.p}-t{i}", f"{self.p}-s")))
        # Generous for a loaded machine: a wait on the network would be a 5 s timeout or a back-off per record.
        self.assertLess(time.monotonic() - started, 30)
        await writer.close(timeout=0.5)
        self.assertEqual(0, writer.counters.delivered)

    async def test_a_full_queue_refuses_in_refuse_mode_and_counts_the_refusals(self):
        writer = self.writer(max_batch_size=5, capacity=10, full_mode=FullMode.REFUSE)
        taken = [writer.try_enqueue_task(task(f"{self.p}-t{i}", f"{self.p}-s")) for i in range(10)]
        await asyncio.sleep(0.5)  # the loop takes its first batch into hand: room for that many more
        taken += [await writer.enqueue_task(task(f"{self.p}-u{i}", f"{self.p}-s")) for i in range(10)]
        self.assertEqual(15, sum(taken))
        self.assertEqual(5, writer.counters.refused)
        await writer.close(timeout=0.2)

    async def test_a_full_queue_makes_enqueue_wait_in_wait_mode_but_try_enqueue_still_refuses(self):
        writer = self.writer(max_batch_size=5, capacity=5, full_mode=FullMode.WAIT, max_batch_delay=0.05)
        for i in range(5):
            writer.try_enqueue_task(task(f"{self.p}-t{i}", f"{self.p}-s"))
        await asyncio.sleep(0.3)
        for i in range(5):
            self.assertTrue(writer.try_enqueue_task(task(f"{self.p}-u{i}", f"{self.p}-s")))
        self.assertFalse(writer.try_enqueue_task(task(f"{self.p}-x", f"{self.p}-s")))
        with self.assertRaises(asyncio.TimeoutError):
            await asyncio.wait_for(writer.enqueue_task(task(f"{self.p}-y", f"{self.p}-s")), 0.5)
        await writer.close(timeout=0.2)

    async def test_the_queue_is_bounded_in_bytes_as_well_as_records(self):
        writer = self.writer(max_batch_size=1000, max_batch_bytes=4096, capacity_bytes=4096, full_mode=FullMode.REFUSE, max_batch_delay=5)
        taken = 0
        while writer.try_enqueue_task(task(f"{self.p}-t{taken}", f"{self.p}-s", source_text="x" * 200)):
            taken += 1
        self.assertTrue(5 < taken < 20, f"{taken} records of about 400 bytes in 4096 bytes")
        await writer.close(timeout=0.2)

    async def test_what_is_left_when_the_shutdown_timeout_passes_is_reported_undelivered_once(self):
        writer = self.writer(max_batch_size=10)
        for i in range(25):
            writer.try_enqueue_task(task(f"{self.p}-t{i:02}", f"{self.p}-s"))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await writer.close(timeout=1)
        self.assertLess(time.monotonic() - started, 3)
        reported = [r.task_id for report in self.undelivered for r in report.records]
        self.assertEqual(sorted(f"{self.p}-t{i:02}" for i in range(25)), sorted(reported))
        self.assertTrue(all(r.reason is UndeliveredReason.SHUTDOWN_TIMEOUT for r in self.undelivered))
        self.assertEqual((25, 0), (writer.counters.undelivered, writer.outstanding))
        self.assertGreater(writer.counters.resends, 0)


if __name__ == "__main__":
    unittest.main()
