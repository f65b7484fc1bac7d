"""Drive the calls resource with the official, unmodified Inkbox Python SDK (``inkbox`` 0.7.x).

Usage: python inkbox_calls_client.py BASE_URL API_KEY LIVE_CALL_ID ENDED_CALL_ID

Lists calls (the SDK's defaults, then pages with limit/offset), gets the live call, hangs it up, hangs
up the ended call (the server's 409 surfaces as the SDK's error) and asks for a call that does not
exist. Prints ONE JSON object on stdout: what each SDK call returned (as the SDK parsed it), the
errors it raised, and the HTTP requests it sent. Any unexpected exception is reported as ``"crash"``
and exits 1.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import traceback
from typing import Any

import httpx
from inkbox import Inkbox
from inkbox.exceptions import InkboxAPIError


def call_fields(call: Any) -> dict[str, Any]:
    """The SDK's parsed PhoneCall, as plain JSON values."""
    return {
        "id": str(call.id),
        "local_phone_number": call.local_phone_number,
        "remote_phone_number": call.remote_phone_number,
        "direction": call.direction,
        "status": call.status,
        "client_websocket_url": call.client_websocket_url,
        "hangup_reason": call.hangup_reason,
        "started_at": call.started_at.isoformat() if call.started_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "created_at": call.created_at.isoformat(),
        "updated_at": call.updated_at.isoformat(),
        "is_blocked": call.is_blocked,
        "origin": call.origin.value,
        "mode": call.mode,
    }


def api_error(err: InkboxAPIError) -> dict[str, Any]:
    return {"class": type(err).__name__, "status_code": err.status_code, "detail": err.detail}


def record_requests(client: Inkbox, requests: list[dict[str, Any]]) -> None:
    """Observation only: an httpx response hook on the SDK's phone transport (the SDK is not changed)."""

    def hook(response: httpx.Response) -> None:
        requests.append({"method": response.request.method, "path": response.request.url.raw_path.decode(), "status": response.status_code})

    client._phone_http._client.event_hooks["response"].append(hook)  # noqa: SLF001


def run(out: dict[str, Any], base_url: str, api_key: str, live_id: str, ended_id: str) -> None:
    out.update({"sdk_version": importlib.metadata.version("inkbox"), "requests": []})
    client = Inkbox(api_key=api_key, base_url=base_url)
    record_requests(client, out["requests"])

    out["listed"] = [call_fields(c) for c in client.calls.list()]
    out["page_1"] = [str(c.id) for c in client.calls.list(limit=2, offset=0)]
    out["page_2"] = [str(c.id) for c in client.calls.list(limit=2, offset=2)]
    out["got"] = call_fields(client.calls.get(live_id))
    out["hung_up"] = call_fields(client.calls.hangup(live_id))
    try:
        client.calls.hangup(ended_id)
        out["hangup_ended_error"] = None
    except InkboxAPIError as err:
        out["hangup_ended_error"] = api_error(err)
    try:
        client.calls.get("00000000-0000-4000-8000-000000000000")
        out["unknown_call_error"] = None
    except InkboxAPIError as err:
        out["unknown_call_error"] = api_error(err)
    client.close()


def main() -> int:
    if len(sys.argv) != 5:
        print("usage: inkbox_calls_client.py BASE_URL API_KEY LIVE_CALL_ID ENDED_CALL_ID", file=sys.stderr)
        return 2
    out: dict[str, Any] = {}
    try:
        run(out, *sys.argv[1:5])
        print(json.dumps(out, default=str))
        return 0
    except Exception as err:  # noqa: BLE001 - reported to the test as data
        out.update({"crash": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()})
        print(json.dumps(out, default=str))
        return 1


if __name__ == "__main__":
    sys.exit(main())
