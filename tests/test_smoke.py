import json

from graphsvc.store import GraphStore
from tests.conftest import export_text, normalized


def test_small_doc_imports_and_exports_the_same_graph(store: GraphStore, small_doc: dict) -> None:
    result = store.import_document(small_doc)
    assert result.created == 17
    assert json.loads(export_text(store)) == normalized(small_doc)
