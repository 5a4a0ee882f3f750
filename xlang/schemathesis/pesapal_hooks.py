"""Schemathesis hooks for pesapal-sim (loaded through SCHEMATHESIS_HOOKS by xlang/schemathesis.sh).

Pesapal rejects most invalid requests with HTTP 200 and `"status":"500"` in the body (the error
envelope), not with a 4xx: that is Pesapal's convention, recorded from the real API, and the
simulator keeps it. Schemathesis's `negative_data_rejection` looks only at the HTTP status, so it
would report every such rejection as accepted invalid data. `pesapal_negative_data_rejection`
replaces it (the built-in one is excluded on the command line): an HTTP-200 answer whose `status`
is "500" counts as a rejection; every other answer goes through the built-in check unchanged, so
an HTTP-200 *success* for invalid data still fails.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection


def _is_pesapal_rejection(response: Any) -> bool:
    if response.status_code != 200:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and str(body.get("status")) == "500"


@schemathesis.check
def pesapal_negative_data_rejection(ctx: Any, response: Any, case: Any) -> bool | None:
    if _is_pesapal_rejection(response):
        return None
    return negative_data_rejection(ctx, response, case)
