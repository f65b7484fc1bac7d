"""Verify webhooks the service sent with the official, unmodified Inkbox Python SDK's ``verify_webhook``.

Usage: python verify_inkbox_webhook.py CASES_JSON_FILE

The file holds ``{"secret": "whsec_...", "cases": [{"name", "payload", "headers"}]}``: each payload is
the exact body text the receiver got, each headers object the request's headers. Prints ONE JSON object
on stdout: the SDK version and, per case name, what ``inkbox.verify_webhook`` returned.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys

from inkbox import verify_webhook


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: verify_inkbox_webhook.py CASES_JSON_FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as cases_file:
        spec = json.load(cases_file)
    results = {
        case["name"]: verify_webhook(payload=case["payload"].encode("utf-8"), headers=case["headers"], secret=spec["secret"])
        for case in spec["cases"]
    }
    print(json.dumps({"sdk_version": importlib.metadata.version("inkbox"), "verified": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
