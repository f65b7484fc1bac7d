"""Drive the calls resource with the official, unmodified Inkbox Python SDK (``inkbox`` 0.7.x).

Usage: python inkbox_python_calls.py BASE_URL API_KEY LIVE_CALL_ID ENDED_CALL_ID

Lists calls (the SDK's defaults, then pages with limit/offset, then a limit the server refuses), gets
the ended and the live call and one that does not exist, hangs up the ended call (the server's 409
surfaces as the SDK's error) and then the live one. Prints ONE JSON object on stdout (see
inkbox_sdk_report.py): what each SDK call returned, the errors it raised, and the HTTP requests it sent.
"""

from __future__ import annotations

import sys
from typing import Any

from inkbox import Inkbox
from inkbox_sdk_report import call_fields, raised, record_requests, report, sdk_version

UNKNOWN_CALL_ID = "00000000-0000-4000-8000-000000000000"


def run(out: dict[str, Any], base_url: str, api_key: str, live_id: str, ended_id: str) -> None:
    """Fills `out` step by step, so a crash still shows how far the flow got."""
    out.update({"sdk_version": sdk_version(), "requests": []})
    client = Inkbox(api_key=api_key, base_url=base_url)
    record_requests(client, out["requests"])

    out["listed"] = [call_fields(c) for c in client.calls.list()]
    out["page_1"] = [str(c.id) for c in client.calls.list(limit=2, offset=0)]
    out["page_2"] = [str(c.id) for c in client.calls.list(limit=2, offset=2)]
    out["bad_limit_error"] = raised(lambda: client.calls.list(limit=500))
    out["got_ended"] = call_fields(client.calls.get(ended_id))
    out["got"] = call_fields(client.calls.get(live_id))
    out["unknown_call_error"] = raised(lambda: client.calls.get(UNKNOWN_CALL_ID))
    out["hangup_ended_error"] = raised(lambda: client.calls.hangup(ended_id))
    out["hung_up"] = call_fields(client.calls.hangup(live_id))
    client.close()


if __name__ == "__main__":
    sys.exit(report("inkbox_python_calls.py BASE_URL API_KEY LIVE_CALL_ID ENDED_CALL_ID", run))
