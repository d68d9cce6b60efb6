"""The interchange format ``graphsvc/1``: one JSON document holding a graph.

``{"format": "graphsvc/1", "accounts": [...], "sites": [...], "people": [...],
"committees": [...], "influencers": [...], "members": [...],
"relations": [{"type", "from", "to", ...}]}``; any list may be left out.
Reading collects every problem in the document before giving up; writing
streams, so an export never holds the whole graph as JSON text in memory.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graphsvc.errors import InvalidInput, Problem
from graphsvc.model import (
    EMPTY_GRAPH,
    LIST_NAMES,
    ExistingGraph,
    Node,
    NodeKind,
    Relation,
    check_graph,
    parse_node,
    parse_relation,
)
from graphsvc.model.validation import Label, parse_node_fast, parse_relation_fast

__all__ = [
    "FORMAT",
    "GraphDocument",
    "check_document",
    "load_document",
    "parse_document",
    "paused_gc",
    "write_document",
]

FORMAT = "graphsvc/1"
_KIND_LIST = {kind: name for name, kind in LIST_NAMES.items()}


@dataclass(slots=True)
class GraphDocument:
    """A parsed graphsvc/1 document: nodes in document order, then relations.

    ``node_positions`` / ``relation_positions`` remember each record's index in
    its list of the file, so messages can name it (``people[3] (p_anna)``);
    documents built in code get positions counted per list.
    """

    nodes: list[Node] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    node_positions: list[int] = field(default_factory=list)
    relation_positions: list[int] = field(default_factory=list)
    broken_ids: set[str] = field(default_factory=set)
    """Ids of records left out for problems of their own (references to them are not reported again)."""

    def labelled_nodes(self) -> list[tuple[Label, Node]]:
        if len(self.node_positions) != len(self.nodes):
            counters: dict[NodeKind, int] = {}
            self.node_positions = []
            for node in self.nodes:
                self.node_positions.append(counters.get(node.kind, 0))
                counters[node.kind] = self.node_positions[-1] + 1
        return [((_KIND_LIST[n.kind], i, n), n) for i, n in zip(self.node_positions, self.nodes, strict=True)]

    def labelled_relations(self) -> list[tuple[Label, Relation]]:
        if len(self.relation_positions) != len(self.relations):
            self.relation_positions = list(range(len(self.relations)))
        return [(("relations", i, r), r) for i, r in zip(self.relation_positions, self.relations, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT}
        for name, kind in LIST_NAMES.items():
            out[name] = [n.to_dict() for n in self.nodes if n.kind == kind]
        out["relations"] = [r.to_dict() for r in self.relations]
        return out

    def __len__(self) -> int:
        return len(self.nodes) + len(self.relations)


def parse_document(raw: Any) -> GraphDocument:
    """Check every record of a decoded document on its own; raise ``InvalidInput`` listing all problems."""
    problems: list[Problem] = []
    doc = _parse(raw, problems)
    if problems:
        raise InvalidInput(problems)
    return doc


def check_document(raw: Any, existing: ExistingGraph = EMPTY_GRAPH) -> GraphDocument:
    """Parse and check a whole document (records and graph rules); raise ``InvalidInput`` with every problem.

    Records broken on their own are reported and left out of the graph
    checks, so one typo does not hide the other problems.
    """
    problems: list[Problem] = []
    doc = _parse(raw, problems)
    problems += check_graph(doc.labelled_nodes(), doc.labelled_relations(), existing, doc.broken_ids)
    if problems:
        raise InvalidInput(problems)
    return doc


def _parse(raw: Any, problems: list[Problem]) -> GraphDocument:
    """The records of ``raw`` that are valid on their own; problems go to ``problems``."""
    doc = GraphDocument()
    if not isinstance(raw, dict):
        problems.append(Problem("document", 'must be a JSON object with "format": "graphsvc/1"'))
        return doc
    if raw.get("format") != FORMAT:
        problems.append(Problem("document", f"format must be {FORMAT!r}, not {raw.get('format')!r}", "format"))
    known = {"format", "relations", *LIST_NAMES}
    for name in raw:
        if name not in known:
            problems.append(
                Problem("document", f"'{name}' is not part of {FORMAT}; known: {', '.join(sorted(known))}", name)
            )
    for name, kind in LIST_NAMES.items():
        items = raw.get(name, [])
        if not isinstance(items, list):
            problems.append(Problem("document", f"{name} must be a list", name))
            continue
        for i, item in enumerate(items):
            node = parse_node_fast(kind, item) or parse_node(kind, item, f"{name}[{i}]", problems)
            if node is not None:
                doc.nodes.append(node)
                doc.node_positions.append(i)
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                doc.broken_ids.add(item["id"])
    relations = raw.get("relations", [])
    if not isinstance(relations, list):
        problems.append(Problem("document", "relations must be a list", "relations"))
        return doc
    for i, item in enumerate(relations):
        rel = parse_relation_fast(item) or parse_relation(item, f"relations[{i}]", problems)
        if rel is not None:
            doc.relations.append(rel)
            doc.relation_positions.append(i)
    return doc


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk job allocates millions of small objects.

    Documents and records hold no reference cycles, so nothing is lost; the
    collector runs again afterwards. Saves a good part of a large import.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_document(path: str | Path) -> Any:
    """Read and decode a JSON file; a missing file or broken JSON raises ``InvalidInput`` naming it."""
    p = Path(path)
    try:
        with p.open("rb") as fp, paused_gc():
            return json.load(fp)
    except FileNotFoundError:
        raise InvalidInput([Problem(str(p), "no such file")]) from None
    except IsADirectoryError:
        raise InvalidInput([Problem(str(p), "is a directory, not a graphsvc/1 JSON file")]) from None
    except PermissionError:
        raise InvalidInput([Problem(str(p), "cannot be read (permission denied)")]) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput([Problem(str(p), f"is not UTF-8 text: {exc.reason} at byte {exc.start}")]) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            [Problem(str(p), f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from None
    except RecursionError:
        raise InvalidInput(
            [Problem(str(p), "is JSON nested too deeply (lists or objects about 1000 levels deep)")]
        ) from None


def write_document(fp: IO[str], nodes: Iterable[Node], relations: Iterable[Relation]) -> int:
    """Stream a graphsvc/1 document to ``fp``; ``nodes`` must come grouped by kind in document order.

    Returns the number of records written. One record per line keeps large
    exports diffable and their memory flat.
    """
    fp.write('{\n  "format": "graphsvc/1"')
    count = 0
    current: NodeKind | None = None
    written: set[NodeKind] = set()
    for node in nodes:
        if node.kind != current:
            if current is not None:
                fp.write("\n  ]")
            if node.kind in written:
                raise ValueError(f"nodes of kind {node.kind} are not grouped")
            current = node.kind
            written.add(current)
            fp.write(f',\n  "{_KIND_LIST[current]}": [\n    ')
        else:
            fp.write(",\n    ")
        fp.write(_dumps(node.to_dict()))
        count += 1
    if current is not None:
        fp.write("\n  ]")
    fp.write(',\n  "relations": [')
    first = True
    for rel in relations:
        fp.write("\n    " if first else ",\n    ")
        first = False
        fp.write(_dumps(rel.to_dict()))
        count += 1
    fp.write("\n  ]\n}\n" if not first else "]\n}\n")
    return count


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
