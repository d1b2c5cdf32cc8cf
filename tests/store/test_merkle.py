"""The Merkle tree of stream heads: every leaf's proof reaches the root; a changed one does not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.merkle import Head, inclusion_proof, root, root_from_proof, sort_heads


def _heads(count: int) -> list[Head]:
    return sort_heads(
        [Head(stream_id=f"RSC-2026-{i:06}", version=i + 1, hash=f"{i:064x}") for i in range(count)]
    )


@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_leaf_proves_its_place_and_nothing_else_does(count: int, data: st.DataObject) -> None:
    heads = _heads(count)
    top = root(heads)
    index = data.draw(st.integers(min_value=0, max_value=count - 1))
    path = inclusion_proof(heads, index)
    assert root_from_proof(heads[index], index, count, path) == top
    changed = heads[index].model_copy(update={"version": heads[index].version + 1})
    assert root_from_proof(changed, index, count, path) != top
    if path:
        flipped = [bytes([path[0][0] ^ 1]) + path[0][1:], *path[1:]]
        assert root_from_proof(heads[index], index, count, flipped) != top
        assert root_from_proof(heads[index], index, count, path[:-1]) != top
    if count > 1:
        other = (index + 1) % count
        assert root_from_proof(heads[index], other, count, path) != top


def test_leaves_are_ordered_by_the_bytes_of_the_stream_id() -> None:
    heads = sort_heads([Head(stream_id=s, version=1, hash="00" * 32) for s in ("b", "B", "é", "a")])
    assert [h.stream_id for h in heads] == ["B", "a", "b", "é"]


def test_a_leaf_outside_the_tree_has_no_proof() -> None:
    with pytest.raises(IndexError):
        inclusion_proof(_heads(3), 3)
    assert root_from_proof(_heads(3)[0], 3, 3, []) is None
