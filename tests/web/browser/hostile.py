"""An account whose every name, title and note is an attempt to run script in the pages that show it.

Each payload sets ``window.__pwned`` (or opens an alert) if it ever runs;
``<img src=x>`` would also request ``/x``, which the page watch reports.
"""

from __future__ import annotations

from datetime import date
from typing import Any

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "</script><script>window.__pwned=1</script>"
SVG = '"><svg onload="window.__pwned=1">'
ATTR = "' onmouseover='window.__pwned=1' x='"
TEMPLATE = "{{ 7*7 }} ${7*7} <b>bold</b> &amp; alert(1)"
PAYLOADS = (IMG, SCRIPT, SVG, ATTR, TEMPLATE)

ACCOUNT = "acc_xss"
DECIDER = "p_xss_ceo"
"""Uncovered decision maker (a HIGH gap whose suggested path runs through the buyer)."""
BUYER = "p_xss_buyer"
LEAD = "m_xss_lead"
KAM = "m_xss"
INFLUENCER = "inf_xss"


def hostile_document(today: date) -> dict[str, Any]:
    """The hostile account, its team of two (a lead and a KAM reporting to them) and an influencer."""
    fresh = today.isoformat()
    return {
        "format": "graphsvc/1",
        "accounts": [{"id": ACCOUNT, "name": SCRIPT, "status": "key", "industry": SVG, "notes": IMG}],
        "sites": [{"id": "site_xss", "account": ACCOUNT, "name": IMG, "city": SVG}],
        "people": [
            {
                "id": DECIDER,
                "account": ACCOUNT,
                "site": "site_xss",
                "name": IMG,
                "title": SCRIPT,
                "department": SVG,
                "roles": ["decider"],
                "attitude": "opponent",
                "power": 0.9,
                "notes": SCRIPT,
            },
            {
                "id": BUYER,
                "account": ACCOUNT,
                "name": SVG,
                "title": IMG,
                "department": ATTR,
                "roles": ["buyer"],
                "attitude": "champion",
                "notes": TEMPLATE,
            },
            {"id": "p_xss_user", "account": ACCOUNT, "name": ATTR, "title": TEMPLATE, "roles": ["user", "gatekeeper"]},
        ],
        "committees": [{"id": "com_xss", "account": ACCOUNT, "name": SCRIPT, "kind": "buying_committee", "notes": IMG}],
        "influencers": [{"id": INFLUENCER, "name": SVG, "kind": "planner", "organization": IMG, "notes": ATTR}],
        "members": [
            {"id": LEAD, "name": SCRIPT, "role": "team_lead", "notes": IMG},
            {"id": KAM, "name": IMG, "role": "kam", "notes": SVG},
        ],
        "relations": [
            {"type": "REPORTS_TO", "from": KAM, "to": LEAD},
            {"type": "ASSIGNED_TO", "from": KAM, "to": ACCOUNT, "role": "lead"},
            {"type": "ASSIGNED_TO", "from": LEAD, "to": ACCOUNT, "role": "member"},
            {"type": "COVERS", "from": KAM, "to": BUYER, "strength": 0.8, "last_contact": fresh, "notes": SCRIPT},
            {"type": "COVERS", "from": LEAD, "to": BUYER, "strength": 0.6, "last_contact": "2020-01-01"},
            {"type": "COVERS", "from": LEAD, "to": "p_xss_user", "strength": 0.4, "last_contact": fresh},
            {"type": "INFLUENCES", "from": BUYER, "to": DECIDER, "strength": 0.7, "kind": "political", "notes": SVG},
            {"type": "INFLUENCES", "from": INFLUENCER, "to": DECIDER, "strength": 0.8, "notes": IMG},
            {"type": "MEMBER_OF", "from": DECIDER, "to": "com_xss", "role": "chair", "notes": ATTR},
            {"type": "KNOWS", "from": LEAD, "to": "p_xss_user", "strength": 0.5},
        ],
    }
