"""A checkout against pesapal-sim with the client openapi-python-client generates from
spec/pesapal.openapi.json (package `pesapal_client`, generated beside this file by
`cargo xtask test`). Reads PESAPAL_BASE_URL, PESAPAL_CONSUMER_KEY and PESAPAL_CONSUMER_SECRET as
`pesapal-sim` prints them. Checked with `mypy --strict`; every step asserts the typed answer.
Every answer of the API is also appended to PESAPAL_ANSWERS (when set) as a JSON line, for the
strict models of xlang/strict.sh."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx

from pesapal_client import AuthenticatedClient, Client
from pesapal_client.api.auth import request_token
from pesapal_client.api.transactions import (
    cancel_order,
    get_transaction_status,
    refund_request,
    submit_order_request,
)
from pesapal_client.api.url_setup import register_ipn
from pesapal_client.models import (
    BillingAddress,
    CancelOrderBody,
    TransactionStatus,
    PesapalErrorResponse,
    RefundRequestBody,
    RefundOutcome,
    RegisterIPNBody,
    RegisterIPNBodyIpnNotificationType,
    IpnRegistration,
    RequestTokenBody,
    SubmitOrderRequestBody,
    SubmittedOrder,
)
from pesapal_client.types import Unset


def step(name: str) -> None:
    print(f"python: {name}", flush=True)


def recorded(base: str) -> dict[str, Any]:
    """The `httpx_args` of a generated client that appends every answer to PESAPAL_ANSWERS."""
    answers = os.environ.get("PESAPAL_ANSWERS")
    if not answers:
        return {}
    prefix = urlsplit(base).path.rstrip("/")

    def record(response: httpx.Response) -> None:
        response.read()
        sent = {
            "method": response.request.method,
            "path": response.request.url.path.removeprefix(prefix),
            "status": response.status_code,
            "body": response.text,
        }
        with open(answers, "a", encoding="utf-8") as out:
            out.write(json.dumps(sent) + "\n")

    return {"event_hooks": {"response": [record]}}


def main() -> None:
    base = os.environ["PESAPAL_BASE_URL"]
    anonymous = Client(base_url=base, httpx_args=recorded(base))

    step("token")
    token = request_token.sync(
        client=anonymous,
        body=RequestTokenBody(
            consumer_key=os.environ["PESAPAL_CONSUMER_KEY"],
            consumer_secret=os.environ["PESAPAL_CONSUMER_SECRET"],
        ),
    )
    assert token is not None and isinstance(token.token, str) and token.token, token
    api = AuthenticatedClient(base_url=base, token=token.token, httpx_args=recorded(base))

    step("register IPN")
    ipn = register_ipn.sync(
        client=api,
        body=RegisterIPNBody(
            url="http://127.0.0.1:9/ipn",
            ipn_notification_type=RegisterIPNBodyIpnNotificationType.GET,
        ),
    )
    assert isinstance(ipn, IpnRegistration) and isinstance(ipn.ipn_id, str), ipn
    notification_id = uuid.UUID(ipn.ipn_id)

    def submit(reference: str) -> uuid.UUID:
        order = submit_order_request.sync(
            client=api,
            body=SubmitOrderRequestBody(
                id=reference,
                currency="KES",
                amount="100.00",
                description="Python checkout",
                callback_url="http://127.0.0.1:9/callback",
                notification_id=notification_id,
                billing_address=BillingAddress(email_address="buyer@example.com"),
            ),
        )
        assert isinstance(order, SubmittedOrder), order
        assert isinstance(order.order_tracking_id, uuid.UUID), order
        return order.order_tracking_id

    step("submit")
    tracking_id = submit(f"PY-{uuid.uuid4().hex[:12]}")

    step("pay through the control API")
    paid = httpx.post(f"{base}/_sim/orders/{tracking_id}/pay", json={"method": "mpesa"})
    assert paid.status_code == 200, paid.text

    step("status completed with a confirmation code")
    status = get_transaction_status.sync(client=api, order_tracking_id=tracking_id)
    assert isinstance(status, TransactionStatus), status
    assert status.payment_status_description == "Completed", status
    assert isinstance(status.confirmation_code, str) and status.confirmation_code, status

    step("refund")
    refund = refund_request.sync(
        client=api,
        body=RefundRequestBody(
            confirmation_code=status.confirmation_code,
            amount="100.00",
            username="operator",
            remarks="Python refund",
        ),
    )
    assert isinstance(refund, RefundOutcome) and str(refund.status) == "200", refund

    step("HTTP-200 error typed as such: a second refund of the same payment")
    again = refund_request.sync_detailed(
        client=api,
        body=RefundRequestBody(
            confirmation_code=status.confirmation_code,
            amount="100.00",
            username="operator",
            remarks="again",
        ),
    )
    assert again.status_code == 200, again
    assert isinstance(again.parsed, RefundOutcome) and str(again.parsed.status) == "500", again.parsed

    step("cancel a pending order")
    pending = submit(f"PY-{uuid.uuid4().hex[:12]}")
    cancelled = cancel_order.sync(client=api, body=CancelOrderBody(order_tracking_id=pending))
    assert cancelled is not None and str(cancelled.status) == "200", cancelled

    step("401 typed as such")
    refused = register_ipn.sync_detailed(
        client=AuthenticatedClient(base_url=base, token="not-a-token", httpx_args=recorded(base)),
        body=RegisterIPNBody(
            url="http://127.0.0.1:9/ipn",
            ipn_notification_type=RegisterIPNBodyIpnNotificationType.GET,
        ),
    )
    assert refused.status_code == 401, refused
    assert isinstance(refused.parsed, PesapalErrorResponse), refused.parsed
    error = refused.parsed.error
    assert error is not None and not isinstance(error, Unset) and isinstance(error.code, str), error
    print(f"python: checkout passed (401 code {error.code})", flush=True)


if __name__ == "__main__":
    main()
