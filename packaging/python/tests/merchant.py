"""A merchant's side of a Pesapal checkout, with the standard library only: API calls and a small
server that receives IPNs and acknowledges them as Pesapal expects. Used by the wheel's tests
and by the container image's checkout (packaging/container/checkout.py)."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, Tuple

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(method: str, url: str, body: Optional[Dict[str, Any]] = None, token: Optional[str] = None) -> Tuple[int, Any]:
    """One HTTP call with a JSON body: the HTTP status and the decoded answer."""
    headers = {"accept": "application/json", "content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with OPENER.open(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            return error.code, json.loads(text) if text.strip() else None
        except ValueError:
            return error.code, text  # not JSON: an injected fault's plain text


class Merchant:
    """Receives IPNs (GET) on `bind` and acknowledges them; `url` is what Pesapal is told to call."""

    def __init__(self, bind: str = "127.0.0.1", reachable_as: Optional[str] = None) -> None:
        self.received: List[Dict[str, str]] = []
        self.arrived = threading.Condition()
        merchant = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                with merchant.arrived:
                    merchant.received.append(query)
                    merchant.arrived.notify_all()
                body = json.dumps(
                    {
                        "orderNotificationType": query.get("OrderNotificationType"),
                        "orderTrackingId": query.get("OrderTrackingId"),
                        "orderMerchantReference": query.get("OrderMerchantReference"),
                        "status": 200,
                    }
                ).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer((bind, 0), Handler)
        self.url = f"http://{reachable_as or bind}:{self.server.server_address[1]}/ipn"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, order_tracking_id: str, timeout: float = 10.0) -> Dict[str, str]:
        """The first IPN about this order (waits for it)."""
        with self.arrived:
            found = self.arrived.wait_for(
                lambda: any(q.get("OrderTrackingId") == order_tracking_id for q in self.received), timeout
            )
            assert found, f"no IPN about {order_tracking_id}: {self.received}"
            return next(q for q in self.received if q.get("OrderTrackingId") == order_tracking_id)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def request_token(base_url: str, consumer_key: str, consumer_secret: str) -> str:
    status, answer = call(
        "POST", f"{base_url}/api/Auth/RequestToken", {"consumer_key": consumer_key, "consumer_secret": consumer_secret}
    )
    assert status == 200 and answer["status"] == "200", answer
    token: str = answer["token"]
    return token


def submit_order(base_url: str, token: str, ipn_url: str) -> Dict[str, Any]:
    """RegisterIPN (GET) for `ipn_url`, then SubmitOrderRequest notifying it: the order's answer."""
    _, ipn = call("POST", f"{base_url}/api/URLSetup/RegisterIPN", {"url": ipn_url, "ipn_notification_type": "GET"}, token)
    assert ipn["status"] == "200", ipn
    _, order = call(
        "POST",
        f"{base_url}/api/Transactions/SubmitOrderRequest",
        {
            "id": f"PY-{uuid.uuid4().hex[:12]}",
            "currency": "KES",
            "amount": 100.0,
            "description": "a test checkout",
            "callback_url": "http://127.0.0.1:9/callback",
            "notification_id": ipn["ipn_id"],
            "billing_address": {"email_address": "buyer@example.com"},
        },
        token,
    )
    assert order["status"] == "200", order
    result: Dict[str, Any] = order
    return result


def transaction_status(base_url: str, token: str, tracking_id: str) -> Dict[str, Any]:
    url = f"{base_url}/api/Transactions/GetTransactionStatus?orderTrackingId={tracking_id}"
    status, answer = call("GET", url, token=token)
    assert status == 200, answer
    result: Dict[str, Any] = answer
    return result
