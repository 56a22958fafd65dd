"""The writer while the gateway is stopped and started again (run by tests/Integration.Tests/Python, which stops it
when asked on the control channel)."""

import asyncio
import unittest

import support
import writer_faults
from persistence_client import PersistenceApiError, PersistenceWriter, WriterOptions


@support.needs_stack
@support.needs_control
class GatewayOutageTests(unittest.IsolatedAsyncioTestCase):
    async def test_nothing_is_lost_or_duplicated_while_the_gateway_is_stopped_and_started_again(self):
        p = support.prefix()
        client = support.client()
        failed = []
        send = client.send_batch

        async def counting(kind, body):
            try:
                return await send(kind, body)
            except (OSError, PersistenceApiError) as error:
                failed.append(error)
                raise

        client.send_batch = counting
        lost = []
        writer = PersistenceWriter(client, WriterOptions(max_retry_delay=1.0, on_undelivered=lost.append)).start()

        producing = asyncio.create_task(writer_faults.produce(writer, p, over=6))
        await asyncio.sleep(1)
        await asyncio.to_thread(support.control, "stop-gateway")
        await asyncio.sleep(3)
        self.assertGreater(writer.outstanding, 0, "records queue up while the gateway is down")
        await asyncio.to_thread(support.control, "start-gateway")
        await producing
        await writer.flush(timeout=120)
        await writer.close()

        self.assertEqual([], lost)
        self.assertGreater(len(failed), 0, "sends failed while the gateway was down")
        self.assertGreater(writer.counters.resends, 0)
        self.assertEqual(writer_faults.TASKS * 2 + 1, writer.counters.delivered)
        await writer_faults.assert_every_task_once_at_its_newest_version(self, client, p)


if __name__ == "__main__":
    unittest.main()
