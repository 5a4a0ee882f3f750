"""`Simulator`: runs the bundled `pesapal-sim` binary on a free port and drives its control API (`/_sim`)."""

from __future__ import annotations

import collections
import json
import os
import queue
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, Deque, Dict, List, Optional, Type, Union

from pesapal_sim._binary import find_pesapal_sim_bin

JSON = Any
"""A decoded JSON value, as the control API answers it (see its OpenAPI description)."""

_STARTUP_KEYS = ("PESAPAL_BASE_URL", "PESAPAL_CONSUMER_KEY", "PESAPAL_CONSUMER_SECRET")

#: Every operation of the control API's OpenAPI description (``GET /_sim/openapi.json``, committed
#: as spec/pesapal-sim-control.openapi.json), and the `Simulator` method that calls it.
OPERATIONS: Dict[str, str] = {
    "getSimulator": "info",
    "getOpenApi": "openapi",
    "listOrders": "orders",
    "getOrder": "order",
    "payOrder": "pay",
    "failOrder": "fail",
    "reverseOrder": "reverse",
    "approveOrder": "approve",
    "declineOrder": "decline",
    "setOrderIpnControls": "set_ipn_controls",
    "getClock": "clock",
    "advanceClock": "advance_clock",
    "listIpnDeliveries": "ipn_deliveries",
    "getIpnControls": "ipn_controls",
    "setIpnControls": "set_ipn_controls",
    "listRefunds": "refunds",
    "getFaults": "faults",
    "setFaults": "set_faults",
    "reset": "reset",
}


class StartError(RuntimeError):
    """The binary did not start, or did not say where it listens in time."""


class ControlError(RuntimeError):
    """The control API refused a request: `status` (HTTP), `code` and `message` as it answered."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def _flags(options: Dict[str, Any]) -> List[str]:
    """`ipn_backoff_ms=10` -> `--ipn-backoff-ms 10`; `True` -> the bare flag; `None`/`False` -> nothing."""
    flags: List[str] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        flags.extend([flag] if value is True else [flag, str(value)])
    return flags


class Simulator:
    """A pesapal-sim process on a free loopback port, and its control API.

    ``Simulator(seed=None, **options)``: ``seed`` makes ids reproducible; every other keyword is
    the binary's command-line flag of that name (``ipn_backoff_ms=10`` is ``--ipn-backoff-ms 10``;
    ``pesapal-sim --help`` lists them). Use it as a context manager, or call `start` and `stop`.
    """

    def __init__(self, seed: Optional[int] = None, *, binary: Union[str, Path, None] = None, **options: Any) -> None:
        self._binary = Path(binary) if binary is not None else None
        self._options: Dict[str, Any] = {"host": "127.0.0.1", "port": 0, "seed": seed, **options}
        self._process: Optional[subprocess.Popen[str]] = None
        self._output: Deque[str] = collections.deque(maxlen=200)
        self._printed: Dict[str, str] = {}
        # Never through an HTTP proxy from the environment: the simulator is local.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # --- lifetime -----------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> "Simulator":
        """Starts the binary and waits until it listens (at most `timeout` seconds)."""
        if self._process is not None:
            raise StartError("this simulator is already started")
        binary = self._binary or find_pesapal_sim_bin()
        lines: "queue.Queue[Optional[str]]" = queue.Queue()
        process = subprocess.Popen(
            [os.fsdecode(binary), *_flags(self._options)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self._process = process

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                self._output.append(line.rstrip("\n"))
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, name="pesapal-sim output", daemon=True).start()
        deadline = time.monotonic() + timeout
        while not all(key in self._printed for key in _STARTUP_KEYS):
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise StartError(f"pesapal-sim did not start within {timeout} s:\n{self.output}") from None
            if line is None:
                code = process.wait()
                self._process = None
                raise StartError(f"pesapal-sim exited ({code}) before listening:\n{self.output}")
            key, _, value = line.strip().partition("=")
            if key in _STARTUP_KEYS:
                self._printed[key] = value
        return self

    def stop(self) -> None:
        """Stops the binary (idempotent)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(
        self,
        kind: Optional[Type[BaseException]],
        value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.stop()

    @property
    def output(self) -> str:
        """What the binary printed last (stdout and stderr), for diagnostics."""
        return "\n".join(self._output)

    # --- what to give a Pesapal client ----------------------------------------------------------

    def _started(self, key: str) -> str:
        if self._process is None:
            raise StartError("the simulator is not started: use `with Simulator() as sim` or call start()")
        return self._printed[key]

    @property
    def base_url(self) -> str:
        """The base URL to give a Pesapal client, e.g. ``http://127.0.0.1:41234``."""
        return self._started("PESAPAL_BASE_URL")

    @property
    def consumer_key(self) -> str:
        """The consumer key RequestToken accepts."""
        return self._started("PESAPAL_CONSUMER_KEY")

    @property
    def consumer_secret(self) -> str:
        """The consumer secret RequestToken accepts."""
        return self._started("PESAPAL_CONSUMER_SECRET")

    # --- the control API (/_sim) ----------------------------------------------------------------

    def control(self, method: str, path: str, body: Optional[JSON] = None) -> JSON:
        """Calls the control API: `path` under ``/_sim``; returns the decoded answer.

        Raises `ControlError` with the answer's code and message when it refuses.
        """
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + "/_sim" + path,
            data=data,
            method=method,
            headers={"content-type": "application/json", "accept": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=30) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refusal:
            text = refusal.read().decode(errors="replace")
            try:
                problem = json.loads(text)
                code, message = str(problem.get("error", "")), str(problem.get("message", text))
            except (ValueError, AttributeError):
                code, message = "", text
            raise ControlError(refusal.code, code, message) from None

    def info(self) -> JSON:
        """``GET /_sim``: base URL, consumer key, clock."""
        return self.control("GET", "")

    def openapi(self) -> JSON:
        """The control API's OpenAPI 3.0 description, with this simulator as its server."""
        return self.control("GET", "/openapi.json")

    def orders(self) -> List[JSON]:
        """Every order as the simulator keeps it, oldest first."""
        result: List[JSON] = self.control("GET", "/orders")
        return result

    def order(self, order_tracking_id: str) -> JSON:
        """One order as the simulator keeps it."""
        return self.control("GET", f"/orders/{order_tracking_id}")

    def pay(
        self,
        order_tracking_id: str,
        card: Optional[str] = None,
        phone: Optional[str] = None,
        method: Optional[str] = None,
    ) -> JSON:
        """The customer pays: by M-Pesa (default), ``method="card"``, or with a test `card` or
        `phone` number whose value decides the outcome (declined, unanswered, …). Returns the order."""
        body: Dict[str, str] = {}
        for key, value in (("card", card), ("phone", phone), ("method", method)):
            if value is not None:
                body[key] = value
        return self.control("POST", f"/orders/{order_tracking_id}/pay", body)

    def fail(self, order_tracking_id: str, method: Optional[str] = None) -> JSON:
        """The customer's payment attempt fails. Returns the order."""
        return self.control("POST", f"/orders/{order_tracking_id}/fail", {} if method is None else {"method": method})

    def reverse(self, order_tracking_id: str) -> JSON:
        """A completed payment is reversed. Returns the order."""
        return self.control("POST", f"/orders/{order_tracking_id}/reverse")

    def approve(self, order_tracking_id: str) -> JSON:
        """The customer approves the STK prompt on the phone. Returns the order."""
        return self.control("POST", f"/orders/{order_tracking_id}/approve")

    def decline(self, order_tracking_id: str) -> JSON:
        """The customer declines the STK prompt on the phone. Returns the order."""
        return self.control("POST", f"/orders/{order_tracking_id}/decline")

    def clock(self) -> JSON:
        """The virtual clock: ``now`` and ``offset_seconds``."""
        return self.control("GET", "/clock")

    def advance_clock(self, seconds: int) -> JSON:
        """Moves the virtual clock forward (tokens expire, subscriptions charge): ``now`` and ``charges``."""
        return self.control("POST", "/clock/advance", {"seconds": seconds})

    def ipn_deliveries(self) -> List[JSON]:
        """Every IPN delivery, with its attempts and the merchant's answers."""
        result: List[JSON] = self.control("GET", "/ipn/deliveries")
        return result

    def wait_for_ipn_deliveries(
        self, count: int = 1, order_tracking_id: Optional[str] = None, timeout: float = 10.0
    ) -> List[JSON]:
        """Waits until `count` deliveries (of this order, when given) are finished; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            finished = [
                d
                for d in self.ipn_deliveries()
                if d["finished"] and order_tracking_id in (None, d["order_tracking_id"])
            ]
            if len(finished) >= count or time.monotonic() > deadline:
                if len(finished) < count:
                    raise TimeoutError(f"{len(finished)} of {count} IPN deliveries finished in {timeout} s")
                return finished
            time.sleep(0.02)

    def ipn_controls(self) -> JSON:
        """The IPN controls in force: ``all`` and per ``orders``."""
        return self.control("GET", "/ipn/controls")

    def set_ipn_controls(self, order_tracking_id: Optional[str] = None, **controls: Any) -> JSON:
        """How IPNs are delivered (``delay_ms``, ``duplicates``, ``drop``, ``out_of_order``), for
        every order or, with `order_tracking_id`, one. Replaces the previous controls."""
        path = "/ipn/controls" if order_tracking_id is None else f"/orders/{order_tracking_id}/ipn"
        return self.control("PUT", path, controls)

    def faults(self) -> JSON:
        """The faults in force and how many were injected."""
        return self.control("GET", "/faults")

    def set_faults(self, **faults: Any) -> JSON:
        """Injects faults on the Pesapal API (``latency_ms``, ``error_status``, ``error_rate``,
        ``fail_next``, ``drop_rate``, ``drop_next``, ``lose_answer_rate``, ``lose_answer_next``,
        ``revoke_tokens_after``); replaces the previous ones (no keyword: none)."""
        return self.control("PUT", "/faults", faults)

    def refunds(self) -> List[JSON]:
        """Accepted refund requests."""
        result: List[JSON] = self.control("GET", "/refunds")
        return result

    def reset(self) -> None:
        """Forgets everything: tokens, IPNs, orders, refunds, deliveries, faults, clock."""
        self.control("POST", "/reset")
