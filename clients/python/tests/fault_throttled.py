"""The writer under 429s: a key of its own limited to 1,000 records a second (minted by
tests/Integration.Tests/Python and passed as PERSISTENCE_THROTTLED_API_KEY)."""

import asyncio
import os
import time
import unittest

import support
import writer_faults
from persistence_client import PersistenceApiError, PersistenceWriter, WriterOptions

THROTTLED_KEY = os.environ.get("PERSISTENCE_THROTTLED_API_KEY")


@support.needs_stack
@unittest.skipUnless(THROTTLED_KEY, "needs PERSISTENCE_THROTTLED_API_KEY, a key limited to about 1,000 records a second")
class ThrottledKeyTests(unittest.IsolatedAsyncioTestCase):
    async def test_nothing_is_lost_or_duplicated_when_the_key_is_throttled_and_retry_after_is_honoured(self):
        p = support.prefix()
        client = support.client(api_key=THROTTLED_KEY)
        throttled = []  # Retry-After of each 429
        last = {}  # kind -> (when, Retry-After) of its latest 429 not yet followed by a send
        gaps = []  # (asked, waited) between a 429 and the next send of the same kind
        send = client.send_batch

        async def watching(kind, body):
            if kind in last:
                when, asked = last.pop(kind)
                gaps.append((asked, time.monotonic() - when))
            try:
                return await send(kind, body)
            except PersistenceApiError as error:
                if error.status == 429:
                    throttled.append(error.retry_after)
                    last[kind] = (time.monotonic(), error.retry_after)
                raise

        client.send_batch = watching
        lost = []
        options = WriterOptions(max_batch_size=500, max_retry_delay=5.0, on_undelivered=lost.append)
        async with PersistenceWriter(client, options) as writer:
            await writer_faults.produce(writer, p, over=0)
            await writer.flush(timeout=120)
            self.assertEqual(writer_faults.TASKS * 2 + 1, writer.counters.delivered)

        self.assertEqual([], lost)
        self.assertGreater(len(throttled), 0, "the key's record limit answered 429")
        self.assertTrue(all(after is not None for after in throttled), "every 429 carries Retry-After")
        self.assertGreater(len(gaps), 0)
        for asked, waited in gaps:
            self.assertGreaterEqual(waited, min(asked, options.max_retry_delay) * 0.95)
        await writer_faults.assert_every_task_once_at_its_newest_version(self, client, p)


if __name__ == "__main__":
    unittest.main()
