"""A checkout against the pesapal-sim container image, from the host (cargo xtask test --only container).

Usage: checkout.py BASE_URL CONSUMER_KEY CONSUMER_SECRET IPN_HOST
BASE_URL is the address the host reaches the container by (its published port); IPN_HOST the name
the container reaches the host by (host.containers.internal with podman). Checks that every URL the
simulator hands out uses BASE_URL, that the IPN reaches a server on the host, and that the order
is completed. Standard library only."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python" / "tests"))

from merchant import Merchant, call, request_token, submit_order, transaction_status  # noqa: E402


def main(base_url: str, key: str, secret: str, ipn_host: str) -> None:
    merchant = Merchant(bind="0.0.0.0", reachable_as=ipn_host)
    try:
        token = request_token(base_url, key, secret)
        print(f"container: token from {base_url}", flush=True)
        order = submit_order(base_url, token, merchant.url)
        tracking_id = order["order_tracking_id"]
        assert order["redirect_url"].startswith(base_url + "/"), f"redirect_url {order['redirect_url']} is not under {base_url}"
        print(f"container: order {tracking_id}, payment page {order['redirect_url']}", flush=True)
        status, paid = call("POST", f"{base_url}/_sim/orders/{tracking_id}/pay", {"method": "mpesa"})
        assert status == 200, paid
        ipn = merchant.wait_for(tracking_id)
        print(f"container: IPN {ipn['OrderNotificationType']} reached the host at {merchant.url}", flush=True)
        completed = transaction_status(base_url, token, tracking_id)
        assert completed["payment_status_description"] == "Completed", completed
        print("container: status Completed", flush=True)
    finally:
        merchant.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
