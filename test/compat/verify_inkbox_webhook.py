"""Verify webhooks the service sent with the official, unmodified Inkbox Python SDK's ``verify_webhook``.

Usage: python verify_inkbox_webhook.py DELIVERIES_JSON_FILE

The file holds ``[{"payload", "headers", "secret"}]``: each payload is the exact body text the receiver
got, each headers object the request's headers, each secret the key (``whsec_…`` or bare) to check it
with. Prints ONE JSON object on stdout (see inkbox_sdk_report.py): the SDK version and, per delivery in
order, what ``inkbox.verify_webhook`` returned.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from inkbox import verify_webhook
from inkbox_sdk_report import report, sdk_version


def run(out: dict[str, Any], deliveries_file: str) -> None:
    with open(deliveries_file, encoding="utf-8") as file:
        deliveries = json.load(file)
    out["sdk_version"] = sdk_version()
    out["verified"] = [
        verify_webhook(payload=delivery["payload"].encode("utf-8"), headers=delivery["headers"], secret=delivery["secret"])
        for delivery in deliveries
    ]


if __name__ == "__main__":
    sys.exit(report("verify_inkbox_webhook.py DELIVERIES_JSON_FILE", run))
