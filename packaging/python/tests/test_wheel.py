"""The wheel as a Python team uses it: installed with pip into a fresh virtualenv (no Rust toolchain
on PATH), its `pesapal_sim` pytest fixture, a checkout whose IPN reaches a small server of this
test, a declined card and a clock advance. Run by `cargo xtask test --only python`."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from typing import Iterator

import pytest
from merchant import Merchant, call, request_token, submit_order, transaction_status

from pesapal_sim import OPERATIONS, ControlError, Simulator


@pytest.fixture
def merchant() -> Iterator[Merchant]:
    server = Merchant()
    yield server
    server.close()


def token_for(sim: Simulator) -> str:
    return request_token(sim.base_url, sim.consumer_key, sim.consumer_secret)


def test_a_checkout_completes_and_its_ipn_reaches_the_merchant(pesapal_sim: Simulator, merchant: Merchant) -> None:
    token = token_for(pesapal_sim)
    order = submit_order(pesapal_sim.base_url, token, merchant.url)
    assert order["redirect_url"].startswith(pesapal_sim.base_url + "/"), order
    tracking_id = order["order_tracking_id"]
    assert transaction_status(pesapal_sim.base_url, token, tracking_id)["payment_status_description"] != "Completed"

    pesapal_sim.pay(tracking_id)

    ipn = merchant.wait_for(tracking_id)
    assert ipn["OrderNotificationType"] == "IPNCHANGE", ipn
    status = transaction_status(pesapal_sim.base_url, token, tracking_id)
    assert status["payment_status_description"] == "Completed", status
    assert status["confirmation_code"], status
    (delivery,) = pesapal_sim.wait_for_ipn_deliveries(1, tracking_id)
    assert delivery["acknowledged"] and delivery["url"].startswith(merchant.url), delivery


def test_a_declined_card_fails_the_order(pesapal_sim: Simulator, merchant: Merchant) -> None:
    token = token_for(pesapal_sim)
    tracking_id = submit_order(pesapal_sim.base_url, token, merchant.url)["order_tracking_id"]

    order = pesapal_sim.pay(tracking_id, card="4000000000000002")

    assert order["status"] == "failed", order
    status = transaction_status(pesapal_sim.base_url, token, tracking_id)
    assert status["payment_status_description"] == "Failed", status
    assert status["payment_status_code"] == "05", status


def test_a_clock_advance_expires_the_token(pesapal_sim: Simulator) -> None:
    token = token_for(pesapal_sim)
    url = f"{pesapal_sim.base_url}/api/URLSetup/GetIpnList"
    assert call("GET", url, token=token)[0] == 200

    pesapal_sim.advance_clock(3601)

    status, answer = call("GET", url, token=token)
    assert status == 401, answer


def test_each_test_gets_a_clean_simulator_from_one_process(pesapal_sim: Simulator) -> None:
    # The tests above left orders, deliveries and a moved clock behind: all gone.
    assert pesapal_sim.orders() == []
    assert pesapal_sim.ipn_deliveries() == []
    assert pesapal_sim.clock()["offset_seconds"] == 0


def test_control_refusals_are_typed(pesapal_sim: Simulator) -> None:
    with pytest.raises(ControlError) as refused:
        pesapal_sim.pay(str(uuid.uuid4()))
    assert refused.value.status == 404


def test_faults_and_ipn_controls_round_trip(pesapal_sim: Simulator) -> None:
    assert pesapal_sim.set_faults(fail_next=1)["fail_next"] == 1
    status, _ = call(
        "POST",
        f"{pesapal_sim.base_url}/api/Auth/RequestToken",
        {"consumer_key": pesapal_sim.consumer_key, "consumer_secret": pesapal_sim.consumer_secret},
    )
    assert status == 503
    assert pesapal_sim.set_ipn_controls(drop=True)["drop"] is True
    assert pesapal_sim.ipn_controls()["all"]["drop"] is True


def test_the_command_is_on_path_and_no_rust_toolchain_is() -> None:
    assert shutil.which("cargo") is None and shutil.which("rustc") is None
    command = shutil.which("pesapal-sim")
    assert command is not None
    version = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("pesapal-sim "), version


def test_a_seed_makes_ids_reproducible() -> None:
    def first_ipn_id(sim: Simulator) -> str:
        token = token_for(sim)
        body = {"url": "http://127.0.0.1:9/ipn", "ipn_notification_type": "GET"}
        _, ipn = call("POST", f"{sim.base_url}/api/URLSetup/RegisterIPN", body, token)
        ipn_id: str = ipn["ipn_id"]
        return ipn_id

    with Simulator(seed=7) as one, Simulator(seed=7) as two:
        assert one.base_url != two.base_url
        assert first_ipn_id(one) == first_ipn_id(two)


def test_every_control_operation_has_a_helper(pesapal_sim: Simulator) -> None:
    description = pesapal_sim.openapi()
    assert description["servers"][0]["url"] == pesapal_sim.base_url
    described = {op["operationId"] for item in description["paths"].values() for op in item.values()}
    assert described == set(OPERATIONS), described ^ set(OPERATIONS)
    for operation, method in OPERATIONS.items():
        assert callable(getattr(pesapal_sim, method, None)), f"{operation}: Simulator.{method}"
