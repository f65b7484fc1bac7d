"""Drive signing keys and call records with the official, unmodified Inkbox Python SDK (``inkbox`` 0.7.x).

Usage: python inkbox_python_calls.py BASE_URL API_KEY HANDLE CALLS_JSON

CALLS_JSON names calls the caller inserted: {"live": id, "ended": id, "unknown": id}. Prints ONE JSON
object on stdout with what each SDK call returned (as the SDK parsed it) and the errors it raised,
for the vitest test to assert on. Any unexpected exception is reported as ``"crash"`` and exits 1.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any, Callable

from inkbox import Inkbox
from inkbox.exceptions import InkboxAPIError


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def call_fields(call: Any) -> dict[str, Any]:
    """The SDK's parsed PhoneCall, as plain JSON values."""
    return {
        "id": str(call.id),
        "local_phone_number": call.local_phone_number,
        "remote_phone_number": call.remote_phone_number,
        "direction": call.direction,
        "status": call.status,
        "client_websocket_url": call.client_websocket_url,
        "use_inkbox_tts": call.use_inkbox_tts,
        "use_inkbox_stt": call.use_inkbox_stt,
        "hangup_reason": call.hangup_reason,
        "started_at": iso(call.started_at),
        "ended_at": iso(call.ended_at),
        "created_at": iso(call.created_at),
        "updated_at": iso(call.updated_at),
        "is_blocked": call.is_blocked,
        "origin": call.origin.value,
        "mode": call.mode,
    }


def key_fields(key: Any) -> dict[str, Any]:
    return {"signing_key": key.signing_key, "created_at": iso(key.created_at)}


def status_fields(status: Any) -> dict[str, Any]:
    return {"configured": status.configured, "created_at": iso(status.created_at)}


def api_error(action: Callable[[], Any]) -> dict[str, Any] | None:
    """The InkboxAPIError the action raised, or None when it raised none."""
    try:
        action()
        return None
    except InkboxAPIError as err:
        return {"class": type(err).__name__, "status_code": err.status_code, "detail": err.detail}


def run(out: dict[str, Any], base_url: str, api_key: str, handle: str, calls: dict[str, str]) -> None:
    """Fills `out` step by step, so a crash still shows how far the flow got."""
    client = Inkbox(api_key=api_key, base_url=base_url)

    # Signing keys: the resource, then the identity's convenience methods.
    out["status_before"] = status_fields(client.signing_keys.get_status(handle))
    out["created"] = key_fields(client.signing_keys.create_or_rotate(handle))
    out["status_after_create"] = status_fields(client.signing_keys.get_status(f"@{handle}"))
    identity = client.get_identity(handle)
    out["rotated"] = key_fields(identity.create_signing_key())
    out["status_after_rotate"] = status_fields(identity.get_signing_key_status())
    out["unknown_handle_error"] = api_error(lambda: client.signing_keys.get_status("nobody-has-this-handle"))

    # Calls: list (default page, then a page), get, hangup.
    out["listed"] = [call_fields(c) for c in client.calls.list()]
    out["page"] = [str(c.id) for c in client.calls.list(limit=1, offset=1)]
    out["got_ended"] = call_fields(client.calls.get(calls["ended"]))
    out["unknown_call_error"] = api_error(lambda: client.calls.get(calls["unknown"]))
    out["bad_limit_error"] = api_error(lambda: client.calls.list(limit=500))
    out["hangup_ended_error"] = api_error(lambda: client.calls.hangup(calls["ended"]))
    out["hangup_live"] = call_fields(client.calls.hangup(calls["live"]))
    client.close()


def main() -> int:
    if len(sys.argv) != 5:
        print("usage: inkbox_python_calls.py BASE_URL API_KEY HANDLE CALLS_JSON", file=sys.stderr)
        return 2
    out: dict[str, Any] = {}
    try:
        run(out, sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
        print(json.dumps(out, default=str))
        return 0
    except Exception as err:  # noqa: BLE001 - reported to the test as data
        out.update({"crash": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()})
        print(json.dumps(out, default=str))
        return 1


if __name__ == "__main__":
    sys.exit(main())
