"""Drive this service with the official, unmodified Inkbox Python SDK (``inkbox`` 0.7.x).

Usage: python inkbox_python_client.py BASE_URL API_KEY HANDLE_PREFIX

Runs the phone-number and identity flow an Inkbox user would, and prints ONE JSON object on
stdout (see inkbox_sdk_report.py): what each SDK call returned (as the SDK parsed it), the errors it
raised, and the HTTP requests it sent (method, path, status), so the vitest test can assert on all of it.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from inkbox import Inkbox
from inkbox_sdk_report import raised, record_requests, report, sdk_version

POLL_SECONDS = 60


def number_fields(number: Any) -> dict[str, Any] | None:
    """The SDK's parsed PhoneNumber / IdentityPhoneNumber, as plain JSON values."""
    if number is None:
        return None
    return {
        "id": str(number.id),
        "number": number.number,
        "type": number.type,
        "status": number.status,
        "incoming_call_action": number.incoming_call_action,
        "client_websocket_url": number.client_websocket_url,
        "incoming_call_webhook_url": number.incoming_call_webhook_url,
        "state": number.state,
        "country": number.country,
        "agent_identity_id": str(number.agent_identity_id) if number.agent_identity_id else None,
        "created_at": number.created_at.isoformat(),
        "updated_at": number.updated_at.isoformat(),
    }


def wait_until_settled(client: Inkbox, number_id: str) -> Any:
    """Poll GET /phone/numbers/{id} (as api.md tells a client to after a 202) until active or failed."""
    deadline = time.monotonic() + POLL_SECONDS
    number = client.phone_numbers.get(number_id)
    while number.status == "provisioning" and time.monotonic() < deadline:
        time.sleep(0.25)
        number = client.phone_numbers.get(number_id)
    return number


def run(out: dict[str, Any], base_url: str, api_key: str, prefix: str) -> None:
    """Fills `out` step by step, so a crash still shows how far the flow got."""
    out.update({"sdk_version": sdk_version(), "requests": []})
    client = Inkbox(api_key=api_key, base_url=base_url)
    record_requests(client, out["requests"])
    local_handle, toll_free_handle = f"{prefix}-local", f"{prefix}-tollfree"

    # Identities: create (POST /api/v1/identities/), list, get.
    created = client.create_identity(f"@{local_handle}")
    out["identity_created"] = {"id": str(created.id), "agent_handle": created.agent_handle}
    client.create_identity(toll_free_handle)
    out["identities_listed"] = sorted(i.agent_handle for i in client.list_identities())
    out["duplicate_identity_error"] = raised(lambda: client.create_identity(local_handle))

    # The SDK's default provision() sends {"agent_handle", "type": "local"} (no state): a local number
    # in any state. Released again at once, so the identity is free for the next step.
    default = client.phone_numbers.provision(agent_handle=local_handle)
    out["default_provision"] = number_fields(wait_until_settled(client, str(default.id)))
    client.phone_numbers.release(str(default.id))

    # Provision: the SDK always sends `type` (its default is "local"); a local number with a state.
    provisioned = client.phone_numbers.provision(agent_handle=local_handle, type="local", state="ny")
    out["provision_response"] = number_fields(provisioned)
    out["after_wait"] = number_fields(wait_until_settled(client, str(provisioned.id)))
    number_id = str(provisioned.id)

    # The identity detail carries the number, as AgentIdentity.provision_phone_number reads it.
    out["identity_detail_number"] = number_fields(client.get_identity(local_handle).phone_number)

    # A toll-free number through the identity object (provision + GET /identities/{handle}).
    toll_free_identity = client.get_identity(toll_free_handle)
    toll_free = toll_free_identity.provision_phone_number(type="toll_free")
    out["identity_provisioned"] = number_fields(toll_free)
    out["identity_provisioned_after_wait"] = number_fields(wait_until_settled(client, str(toll_free.id)))

    out["listed"] = [number_fields(n) for n in client.phone_numbers.list()]
    out["got"] = number_fields(client.phone_numbers.get(number_id))

    # Update call handling: to a webhook, then to auto_accept with a websocket, clearing the webhook URL.
    out["updated_webhook"] = number_fields(client.phone_numbers.update(
        number_id, incoming_call_action="webhook", incoming_call_webhook_url="https://hooks.example.com/calls",
    ))
    out["updated_auto_accept"] = number_fields(client.phone_numbers.update(
        number_id,
        incoming_call_action="auto_accept",
        client_websocket_url="wss://media.example.com/agent",
        incoming_call_webhook_url=None,
    ))
    out["invalid_update_error"] = raised(lambda: client.phone_numbers.update(number_id, incoming_call_action="webhook", incoming_call_webhook_url=None))

    # Errors: an unknown handle, an unknown number.
    out["unknown_handle_error"] = raised(lambda: client.phone_numbers.provision(agent_handle="nobody-has-this-handle", type="toll_free"))
    out["unknown_number_error"] = raised(lambda: client.phone_numbers.get("00000000-0000-4000-8000-000000000000"))

    # Release: by id (DELETE /phone/numbers/{id}), then through the identity (DELETE /identities/{handle}/phone_number).
    client.phone_numbers.release(number_id)
    out["after_release"] = number_fields(client.phone_numbers.get(number_id))
    out["listed_after_release"] = [str(n.id) for n in client.phone_numbers.list()]
    toll_free_identity.release_phone_number()
    out["identity_release_after"] = number_fields(client.phone_numbers.get(str(toll_free.id)))
    out["identity_detail_after_release"] = number_fields(client.get_identity(toll_free_handle).phone_number)

    # Identity delete.
    client.identities.delete(toll_free_handle)
    out["identities_after_delete"] = sorted(i.agent_handle for i in client.list_identities())
    client.close()


if __name__ == "__main__":
    sys.exit(report("inkbox_python_client.py BASE_URL API_KEY HANDLE_PREFIX", run))
