"""Python client of the translation persistence platform: typed async calls through its gateway and a buffered
writer for hot paths. The three calls of a back end::

    await persistence_client.persist_session(session_data)
    await persistence_client.persist_tasks(tasks_data)
    await persistence_client.flush_all()
"""

import logging

from .client import API_KEY_VARIABLE, URL_VARIABLE, PersistenceClient, RestoreStream
from .batch_queue import WriterCounters
from .errors import FieldProblem, PersistenceApiError
from .models import (
    BatchAccepted, FlushResult, JobReference, JobRequeued, JobReview, JobState, Page, ReadConsistency, SessionDetail,
    SessionRecord, SessionSummary, TaskDetail, TaskRecord, TaskStatistics, TaskSummary, TranslationAccepted,
    TranslationBatchAccepted, TranslationRequest, TranslationState,
)
from .sync import SyncPersistenceClient, SyncPersistenceWriter
from .writer import PersistenceWriter
from .writer_options import FullMode, UndeliveredReason, UndeliveredRecords, WriterOptions

__version__ = "1.0.0"

# A library logs only where its application configured logging (persistence_client.writer: resends, records given up).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "API_KEY_VARIABLE", "URL_VARIABLE", "BatchAccepted", "FieldProblem", "FlushResult", "FullMode", "JobReference",
    "JobRequeued", "JobReview", "JobState", "Page", "PersistenceApiError", "PersistenceClient", "PersistenceWriter",
    "ReadConsistency", "RestoreStream", "SessionDetail", "SessionRecord", "SessionSummary", "SyncPersistenceClient",
    "SyncPersistenceWriter", "TaskDetail", "TaskRecord", "TaskStatistics", "TaskSummary", "TranslationAccepted",
    "TranslationBatchAccepted", "TranslationRequest", "TranslationState", "UndeliveredReason", "UndeliveredRecords",
    "WriterCounters", "WriterOptions",
]
