"""The package against the gateway's OpenAPI document (``GET /openapi/v1.json``, anonymous): every wire type's field
names, and every path, method and query parameter the client sends, so the package and the server cannot drift."""

import dataclasses
import json
import re
import unittest
import urllib.request

import support
from persistence_client import models, routes
from persistence_client.client import encoded_batch
from support import needs_stack

WRITTEN = [models.SessionRecord, models.TaskRecord, models.TranslationRequest]
ANSWERS = [models.BatchAccepted, models.FlushResult, models.SessionSummary, models.SessionDetail, models.TaskStatistics,
           models.TaskSummary, models.TaskDetail, models.JobReference, models.TranslationAccepted,
           models.TranslationBatchAccepted, models.JobReview, models.JobState, models.TranslationState, models.JobRequeued]


def fields(cls):
    return {f.name for f in dataclasses.fields(cls)}


@needs_stack
class ContractTests(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        with urllib.request.urlopen(support.URL.rstrip("/") + "/" + routes.OPENAPI, timeout=30) as answer:
            cls.document = json.load(answer)
        cls.schemas = cls.document["components"]["schemas"]

    def schema(self, name):
        self.assertIn(name, self.schemas, f"the OpenAPI document has no schema {name}")
        return self.schemas[name]

    def test_each_record_written_has_exactly_the_fields_of_its_schema(self):
        for cls in WRITTEN:
            with self.subTest(cls.__name__):
                schema = self.schema(cls.__schema__)
                self.assertEqual(set(schema["properties"]), fields(cls))

    def test_each_answer_reads_only_fields_of_its_schema_and_every_field_it_requires(self):
        for cls in ANSWERS:
            with self.subTest(cls.__name__):
                schema = self.schema(cls.__schema__)
                self.assertLessEqual(fields(cls), set(schema["properties"]), "read but not in the schema")
                self.assertLessEqual(set(schema.get("required", [])), fields(cls), "required by the schema but not read")

    def test_a_page_reads_the_paging_fields_of_every_page_schema(self):
        page = fields(models.Page)
        for name in ("ResultPageOfSessionSummary", "ResultPageOfTaskSummary", "JobPage"):
            with self.subTest(name):
                self.assertLessEqual(set(self.schema(name)["required"]), page)
                self.assertLessEqual(set(self.schema(name)["properties"]), page)

    def test_batch_bodies_carry_their_records_under_the_schemas_names(self):
        self.assertEqual({"sessions"}, set(self.schema("SessionBatch")["properties"]))
        self.assertEqual({"tasks"}, set(self.schema("TaskBatch")["properties"]))
        self.assertEqual({"items"}, set(self.schema("TranslationRequestBatch")["properties"]))
        self.assertEqual({"sessions": []}, json.loads(encoded_batch("sessions", [])))

    def test_problem_errors_carry_the_fields_the_client_reads(self):
        self.assertEqual({"index", "field", "message"}, set(self.schema("FieldErrorBody")["properties"]))
        self.assertLessEqual({"title", "detail", "errors"}, set(self.schema("InvalidProblemBody")["properties"]))

    async def test_every_request_the_client_sends_is_in_the_document_with_its_parameters(self):
        sent = await self.send_one_of_each()
        templates = [(re.compile("^" + re.sub(r"\{business_id\}", ".+", re.sub(r"\{(?!business_id)[^}]+\}", "[^/]+", path)) + "$"), path)
                     for path in self.document["paths"]]
        self.assertGreaterEqual(len({(m, p) for m, p, _ in sent}), 15)
        for method, path, names in sent:
            with self.subTest(f"{method} {path}"):
                matches = [template for pattern, template in templates if pattern.match("/" + path)]
                self.assertTrue(matches, f"{path} is not a path of the document")
                operation = self.operation(matches[0], method)
                declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
                self.assertLessEqual(names, declared, f"query parameters the document does not declare for {method} {matches[0]}")

    def operation(self, path, method):
        item = self.document["paths"][path]
        if "$ref" in item:
            item = self.document["components"]["pathItems"][item["$ref"].rsplit("/", 1)[-1]]
        self.assertIn(method.lower(), item, f"{method} {path} is not in the document")
        return item[method.lower()]

    async def send_one_of_each(self):
        """Every call of the client once against the stack, each request recorded as it leaves the transport."""
        client = support.client()
        sent = []
        transport = client._transport
        send, open_ = transport.send, transport.open

        def record(method, path, query):
            sent.append((method, path, {k for k, v in (query or {}).items() if v is not None}))

        async def recording_send(method, path, query=None, body=None, timeout=None):
            record(method, path, query)
            return await send(method, path, query, body, timeout)

        async def recording_open(method, path, query=None):
            record(method, path, query)
            return await open_(method, path, query)

        transport.send, transport.open = recording_send, recording_open
        await self.call_everything(client)
        return sent

    async def call_everything(self, client):
        from persistence_client import PersistenceApiError, ReadConsistency
        p = support.prefix()
        await client.persist_session(support.session(f"{p}-s"))
        await client.persist_tasks([support.task(f"{p}-t", f"{p}-s")])
        accepted = await client.request_translation({"business_id": f"{p}/a", "text": "Hi", "source_lang": "en", "target_langs": ["de"]})
        await client.request_translations([{"business_id": f"{p}/b", "text": "Yo", "source_lang": "en", "target_langs": ["fr"]}])
        await client.flush_all(timeout=60)
        await client.get_stats()
        await client.get_session_page(status=["processing"], created_from=support.moment(-3600), created_to=support.moment(3600),
                                      source_lang="en", target_lang="de", sort="updated_at", ascending=True, page=1, page_size=5,
                                      consistency=ReadConsistency.STRONG)
        await client.get_session_page(page_size=1, cursor=None)
        await client.get_session(f"{p}-s", ReadConsistency.EVENTUAL)
        await client.get_task_page(f"{p}-s", status=["pending"], target_lang="de", batch_id="b", page_size=2, consistency=ReadConsistency.STRONG)
        await client.get_task(f"{p}-t", ReadConsistency.STRONG)
        await client.get_incomplete_session_page(page_size=1, consistency=ReadConsistency.STRONG)
        async with await client.restore_session(f"{p}-s", ReadConsistency.STRONG) as package:
            await package.json()
        await client.get_translation(f"{p}/a", lang="de")
        await client.get_translation_job_page(status="pending", lang="de", page_size=1)
        with self.assertRaises(PersistenceApiError):
            await client.retry_translation_job(accepted.jobs[0].job_id)  # 409: only a failed job is retried


if __name__ == "__main__":
    unittest.main()
