"""The demo portfolio shipped with graphsvc (see docs/demo.md for its story).

The portfolio is told as of ``DEMO_AS_OF``. ``demo_document(today)`` moves
every ``last_contact`` by the days between that date and ``today``, so the
demo looks the same whenever it is loaded: fresh covers stay fresh, stale
ones stay stale.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

__all__ = ["DEMO_AS_OF", "demo_document"]

DEMO_AS_OF = date(2026, 11, 15)


def demo_document(today: date | None = None) -> dict[str, Any]:
    """The demo portfolio as a decoded graphsvc/1 document, its dates moved to ``today`` (default: as told)."""
    text = resources.files(__package__).joinpath("portfolio.json").read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    if today is not None and today != DEMO_AS_OF:
        shift = timedelta(days=(today - DEMO_AS_OF).days)
        for rel in doc.get("relations", []):
            if "last_contact" in rel:
                rel["last_contact"] = (date.fromisoformat(rel["last_contact"]) + shift).isoformat()
    return doc
