"""Shared by the scripts that drive this service with the official, unmodified Inkbox Python SDK.

Each script fills a dict step by step and prints it as ONE JSON object on stdout, so the vitest test
can assert on what the SDK parsed, the errors it raised and the HTTP requests it sent; an unexpected
exception is reported in the JSON as ``"crash"`` (with how far the flow got) and exits 1.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import traceback
from typing import Any, Callable

import httpx
from inkbox import Inkbox
from inkbox.exceptions import InkboxAPIError


def sdk_version() -> str:
    return importlib.metadata.version("inkbox")


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def api_error(err: InkboxAPIError) -> dict[str, Any]:
    return {"class": type(err).__name__, "status_code": err.status_code, "detail": err.detail, "message": str(err)}


def raised(action: Callable[[], Any]) -> dict[str, Any] | None:
    """The InkboxAPIError the action raised, as `api_error` tells it, or None when it raised none."""
    try:
        action()
        return None
    except InkboxAPIError as err:
        return api_error(err)


def record_requests(client: Inkbox, requests: list[dict[str, Any]]) -> None:
    """Observation only: an httpx response hook on each of the SDK's transports (the SDK is not changed)."""

    def hook(response: httpx.Response) -> None:
        requests.append({
            "method": response.request.method,
            "path": response.request.url.raw_path.decode(),
            "status": response.status_code,
            "api_key_header": "x-api-key" in response.request.headers,
        })

    for transport in (client._phone_http, client._ids_http):  # noqa: SLF001
        transport._client.event_hooks["response"].append(hook)  # noqa: SLF001


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


def report(usage: str, run: Callable[..., None]) -> int:
    """Runs `run(out, *arguments)` when the arguments match `usage`, prints `out` as JSON, and returns
    the exit code (2 for a wrong call, 1 for a crash)."""
    if len(sys.argv) != len(usage.split()):
        print(f"usage: {usage}", file=sys.stderr)
        return 2
    out: dict[str, Any] = {}
    try:
        run(out, *sys.argv[1:])
        print(json.dumps(out, default=str))
        return 0
    except Exception as err:  # noqa: BLE001 - reported to the test as data
        out.update({"crash": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()})
        print(json.dumps(out, default=str))
        return 1
