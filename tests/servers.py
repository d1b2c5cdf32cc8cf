"""Starting the real Temporal servers that ship as pip packages."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client

from workflows.search_attributes import ALL_KEYS


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
