// The npm packages as a Node team uses them (cargo xtask test --only npm): installed from their
// tarballs into this scratch project, `import { startSimulator } from "pesapal-sim"`, a checkout
// whose IPN reaches a small server of this test, a declined card and a clock advance.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startSimulator, SimulatorControlError } from "pesapal-sim";

let sim;
let merchant;
const received = [];

before(async () => {
  sim = await startSimulator({ seed: 7 });
  merchant = http.createServer((request, response) => {
    const query = Object.fromEntries(new URL(request.url, "http://merchant").searchParams);
    received.push(query);
    response.setHeader("content-type", "application/json");
    response.end(
      JSON.stringify({
        orderNotificationType: query.OrderNotificationType,
        orderTrackingId: query.OrderTrackingId,
        orderMerchantReference: query.OrderMerchantReference,
        status: 200,
      }),
    );
  });
  await new Promise((resolve) => merchant.listen(0, "127.0.0.1", resolve));
});

after(async () => {
  await sim?.stop();
  await new Promise((resolve) => merchant.close(resolve));
});

async function call(method, path, body, token) {
  const headers = { accept: "application/json", "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const answer = await fetch(`${sim.baseUrl}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : null };
}

async function checkoutUpToPayment() {
  const token = (
    await call("POST", "/api/Auth/RequestToken", { consumer_key: sim.consumerKey, consumer_secret: sim.consumerSecret })
  ).body.token;
  assert.ok(token);
  const ipnUrl = `http://127.0.0.1:${merchant.address().port}/ipn`;
  const ipn = (await call("POST", "/api/URLSetup/RegisterIPN", { url: ipnUrl, ipn_notification_type: "GET" }, token)).body;
  assert.equal(ipn.status, "200");
  const order = (
    await call(
      "POST",
      "/api/Transactions/SubmitOrderRequest",
      {
        id: `JS-${Math.random().toString(16).slice(2, 12)}`,
        currency: "KES",
        amount: 100,
        description: "node:test checkout",
        callback_url: "http://127.0.0.1:9/callback",
        notification_id: ipn.ipn_id,
        billing_address: { email_address: "buyer@example.com" },
      },
      token,
    )
  ).body;
  assert.equal(order.status, "200");
  assert.ok(order.redirect_url.startsWith(sim.baseUrl), order.redirect_url);
  return { token, id: order.order_tracking_id };
}

const status = async (token, id) =>
  (await call("GET", `/api/Transactions/GetTransactionStatus?orderTrackingId=${id}`, undefined, token)).body;

test("a checkout completes and its IPN reaches the merchant", async () => {
  await sim.reset();
  const { token, id } = await checkoutUpToPayment();
  await sim.pay(id);
  const [delivery] = await sim.waitForIpnDeliveries(1, { orderTrackingId: id });
  assert.equal(delivery.acknowledged, true);
  assert.ok(received.some((q) => q.OrderTrackingId === id && q.OrderNotificationType === "IPNCHANGE"), JSON.stringify(received));
  const paid = await status(token, id);
  assert.equal(paid.payment_status_description, "Completed");
  assert.ok(paid.confirmation_code);
});

test("a declined card fails the order", async () => {
  await sim.reset();
  const { token, id } = await checkoutUpToPayment();
  const order = await sim.pay(id, { card: "4000000000000002" });
  assert.equal(order.status, "failed");
  const failed = await status(token, id);
  assert.equal(failed.payment_status_description, "Failed");
  assert.equal(failed.payment_status_code, "05");
});

test("a clock advance expires the token", async () => {
  await sim.reset();
  const { token } = await checkoutUpToPayment();
  await sim.advanceClock(3601);
  assert.equal((await call("GET", "/api/URLSetup/GetIpnList", undefined, token)).status, 401);
});

test("a reset forgets orders and deliveries; refusals are typed", async () => {
  await sim.reset();
  assert.deepEqual(await sim.orders(), []);
  assert.deepEqual(await sim.ipnDeliveries(), []);
  await assert.rejects(sim.pay("00000000-0000-0000-0000-000000000001"), (error) => {
    assert.ok(error instanceof SimulatorControlError);
    assert.equal(error.status, 404);
    return true;
  });
});
