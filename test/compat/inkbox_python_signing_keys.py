"""Drive signing keys with the official, unmodified Inkbox Python SDK (``inkbox`` 0.7.x).

Usage: python inkbox_python_signing_keys.py BASE_URL API_KEY HANDLE

Reads the status of the identity's key, creates it through the ``signing_keys`` resource, rotates it
through the identity's convenience methods, and asks about a handle nobody has. Prints ONE JSON object
on stdout (see inkbox_sdk_report.py): what each SDK call returned and the errors it raised.
"""

from __future__ import annotations

import sys
from typing import Any

from inkbox import Inkbox
from inkbox_sdk_report import iso, raised, record_requests, report, sdk_version


def key_fields(key: Any) -> dict[str, Any]:
    return {"signing_key": key.signing_key, "created_at": iso(key.created_at)}


def status_fields(status: Any) -> dict[str, Any]:
    return {"configured": status.configured, "created_at": iso(status.created_at)}


def run(out: dict[str, Any], base_url: str, api_key: str, handle: str) -> None:
    """Fills `out` step by step, so a crash still shows how far the flow got."""
    out.update({"sdk_version": sdk_version(), "requests": []})
    client = Inkbox(api_key=api_key, base_url=base_url)
    record_requests(client, out["requests"])

    # The resource, then the identity's convenience methods.
    out["status_before"] = status_fields(client.signing_keys.get_status(handle))
    out["created"] = key_fields(client.signing_keys.create_or_rotate(handle))
    out["status_after_create"] = status_fields(client.signing_keys.get_status(f"@{handle}"))
    identity = client.get_identity(handle)
    out["rotated"] = key_fields(identity.create_signing_key())
    out["status_after_rotate"] = status_fields(identity.get_signing_key_status())
    out["unknown_handle_error"] = raised(lambda: client.signing_keys.get_status("nobody-has-this-handle"))
    client.close()


if __name__ == "__main__":
    sys.exit(report("inkbox_python_signing_keys.py BASE_URL API_KEY HANDLE", run))
