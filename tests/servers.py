"""Starting the real Temporal servers that ship as pip packages."""

from __future__ import annotations

import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path

from google.protobuf import json_format
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.history.v1 import History
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client, WorkflowHistory
from temporalio.converter import DataConverter

from workers.codec import EncryptionCodec, PayloadKeyRing, data_converter, new_key
from workflows.search_attributes import ALL_KEYS

KEYS_VARIABLE = "CASEWORK_PAYLOAD_KEYS"


def binary(name: str) -> str:
    """A binary from the virtual environment's bin/, or from PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install the project's test extras")
    return found


async def register_search_attributes(client: Client) -> None:
    """The time-skipping server takes no search-attribute flags: register them by RPC."""
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            # The SDK's enum carries the proto's numbers.
            search_attributes={
                k.name: IndexedValueType.ValueType(int(k.indexed_value_type)) for k in ALL_KEYS
            },
        )
    )


@lru_cache(maxsize=1)
def session_key_ring() -> PayloadKeyRing:
    """The test session's payload key ring, made once; processes the tests start (workers, the
    CLI) inherit it through CASEWORK_PAYLOAD_KEYS, as a deployment's processes share theirs."""
    text = os.environ.get(KEYS_VARIABLE)
    if not text:
        text = PayloadKeyRing((("test-1", new_key()),)).format()
        os.environ[KEYS_VARIABLE] = text
    return PayloadKeyRing.parse(text)


def converter() -> DataConverter:
    """The data converter every process of casework uses, with the session's key ring."""
    return data_converter(session_key_ring())


def plain_history_json(history: WorkflowHistory) -> str:
    """A recorded history to save beside the tests, its payloads opened: sealed with the
    session's throwaway key it could never be replayed by a later session."""
    opened = History(events=history.events)
    EncryptionCodec(session_key_ring()).open_message(opened)
    return json_format.MessageToJson(opened)
