"""The package's own logic, without a stack: wire encoding, problem parsing, options."""

import json
import unittest
from datetime import datetime, timedelta, timezone

import support  # noqa: F401  (puts src on the path)
from persistence_client import FullMode, PersistenceApiError, SessionRecord, TaskRecord, WriterOptions
from persistence_client.errors import parse_retry_after
from persistence_client.wire import coerce, dumps, parse_timestamp


class WireEncodingTests(unittest.TestCase):
    def test_timestamps_are_written_in_utc_with_microseconds_as_the_server_writes_them(self):
        at = datetime(2026, 1, 31, 13, 0, 0, 5, tzinfo=timezone(timedelta(hours=1)))
        body = json.loads(dumps(SessionRecord(session_id="s", updated_at=at)))
        self.assertEqual("2026-01-31T12:00:00.000005Z", body["updated_at"])
        self.assertEqual(at, parse_timestamp(body["updated_at"]))

    def test_a_naive_timestamp_is_taken_as_utc(self):
        body = json.loads(dumps(TaskRecord(task_id="t", created_at=datetime(2026, 1, 31, 12, 0))))
        self.assertEqual("2026-01-31T12:00:00.000000Z", body["created_at"])

    def test_fields_left_none_are_not_sent(self):
        self.assertEqual({"task_id": "t", "status": "pending"}, json.loads(dumps(TaskRecord(task_id="t", status="pending"))))

    def test_a_mapping_with_a_name_the_api_does_not_know_is_refused_before_it_is_sent(self):
        with self.assertRaisesRegex(TypeError, "sessionId"):
            coerce(SessionRecord, {"sessionId": "s"})

    def test_a_mapping_with_the_wire_names_becomes_the_record(self):
        self.assertEqual(SessionRecord(session_id="s", status="paused"), coerce(SessionRecord, {"session_id": "s", "status": "paused"}))


class ProblemTests(unittest.TestCase):
    def test_a_problem_names_each_field_and_item_index(self):
        body = json.dumps({"title": "Invalid request", "detail": "2 problems", "errors": [
            {"index": 3, "field": "status", "message": "is required"}, {"index": None, "field": "page_size", "message": "too big"}]}).encode()
        error = PersistenceApiError.from_response(400, "Bad Request", {"Content-Type": "application/problem+json"}, body)
        self.assertEqual((400, "Invalid request", "2 problems"), (error.status, error.title, error.detail))
        self.assertEqual([(3, "status"), (None, "page_size")], [(e.index, e.field) for e in error.errors])
        self.assertFalse(error.is_transient)

    def test_an_answer_that_is_not_json_keeps_its_status_and_reason(self):
        error = PersistenceApiError.from_response(502, "Bad Gateway", {"retry-after": "3"}, b"<html>")
        self.assertEqual((502, "Bad Gateway", 3.0), (error.status, error.title, error.retry_after))
        self.assertTrue(error.is_transient)

    def test_retry_after_is_read_as_seconds_or_as_a_date(self):
        self.assertEqual(7.0, parse_retry_after("7"))
        self.assertEqual(0.0, parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"))
        self.assertIsNone(parse_retry_after("soon"))


class WriterOptionsTests(unittest.TestCase):
    def test_every_impossible_limit_is_named_at_once(self):
        with self.assertRaises(ValueError) as raised:
            WriterOptions(max_batch_size=6000, capacity=10, max_batch_delay=0, full_mode="drop").validate()
        message = str(raised.exception)
        for name in ("max_batch_size", "capacity", "max_batch_delay", "full_mode"):
            self.assertIn(name, message)

    def test_the_defaults_are_valid(self):
        WriterOptions(full_mode=FullMode.REFUSE).validate()


if __name__ == "__main__":
    unittest.main()
