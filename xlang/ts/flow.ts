// A checkout against pesapal-sim with openapi-fetch over the types openapi-typescript generates
// from spec/pesapal.openapi.json (schema.d.ts, generated beside this file by `cargo xtask test`).
// Reads PESAPAL_BASE_URL, PESAPAL_CONSUMER_KEY and PESAPAL_CONSUMER_SECRET as pesapal-sim prints
// them. Compiled with `tsc --strict`; every step asserts the typed answer. Every answer of the API
// is also appended to PESAPAL_ANSWERS (when set) as a JSON line, for the strict models of
// xlang/strict.sh.
import createClient, { type Middleware } from "openapi-fetch";
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import type { components, paths } from "./schema.js";

type PesapalErrorResponse = components["schemas"]["PesapalErrorResponse"];

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: unknown, what: string, value: unknown): asserts condition {
  if (!condition) throw new Error(`typescript: ${what}: ${JSON.stringify(value)}`);
}

function step(name: string): void {
  console.log(`typescript: ${name}`);
}

/** Appends every answer (the spec's path, the HTTP status, the body as sent) to PESAPAL_ANSWERS. */
const recorder: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const answers = process.env["PESAPAL_ANSWERS"];
    if (!answers) return;
    const sent = { method: request.method, path: schemaPath, status: response.status, body: await response.clone().text() };
    appendFileSync(answers, JSON.stringify(sent) + "\n");
  },
};

async function main(): Promise<void> {
  const baseUrl = env("PESAPAL_BASE_URL");
  const anonymous = createClient<paths>({ baseUrl });
  anonymous.use(recorder);

  step("token");
  const token = await anonymous.POST("/api/Auth/RequestToken", {
    body: { consumer_key: env("PESAPAL_CONSUMER_KEY"), consumer_secret: env("PESAPAL_CONSUMER_SECRET") },
  });
  check(typeof token.data?.token === "string", "token", token.data);
  const bearer = token.data.token;
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${bearer}` } });
  api.use(recorder);

  step("register IPN");
  const ipn = await api.POST("/api/URLSetup/RegisterIPN", {
    body: { url: "http://127.0.0.1:9/ipn", ipn_notification_type: "GET" },
  });
  check(ipn.response.status === 200 && ipn.data && "ipn_id" in ipn.data, "register IPN", ipn.data);
  const notificationId = ipn.data.ipn_id;
  check(typeof notificationId === "string", "ipn_id", ipn.data);

  async function submit(reference: string): Promise<string> {
    const order = await api.POST("/api/Transactions/SubmitOrderRequest", {
      body: {
        id: reference,
        currency: "KES",
        amount: "100.00",
        description: "TypeScript checkout",
        callback_url: "http://127.0.0.1:9/callback",
        notification_id: notificationId as string,
        billing_address: { email_address: "buyer@example.com" },
      },
    });
    check(order.data && "order_tracking_id" in order.data, "submit", order.data);
    const id = order.data.order_tracking_id;
    check(typeof id === "string", "order_tracking_id", order.data);
    return id;
  }

  step("submit");
  const trackingId = await submit(`TS-${randomUUID().slice(0, 12)}`);

  step("pay through the control API");
  const paid = await fetch(`${baseUrl}/_sim/orders/${trackingId}/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ method: "mpesa" }),
  });
  check(paid.status === 200, "pay", await paid.text());

  step("status completed with a confirmation code");
  const status = await api.GET("/api/Transactions/GetTransactionStatus", {
    params: { query: { orderTrackingId: trackingId } },
  });
  check(status.data && "payment_status_description" in status.data, "status", status.data);
  check(status.data.payment_status_description === "Completed", "completed", status.data);
  const confirmationCode = status.data.confirmation_code;
  check(typeof confirmationCode === "string" && confirmationCode.length > 0, "confirmation code", status.data);

  step("refund");
  const refundBody = { confirmation_code: confirmationCode, amount: "100.00", username: "operator", remarks: "TS refund" };
  const refund = await api.POST("/api/Transactions/RefundRequest", { body: refundBody });
  check(refund.data && String(refund.data.status) === "200", "refund", refund.data);

  step("HTTP-200 error typed as such: a second refund of the same payment");
  const again = await api.POST("/api/Transactions/RefundRequest", { body: refundBody });
  check(again.response.status === 200 && again.data, "second refund", again.error);
  check(String(again.data.status) === "500", "second refund refused", again.data);

  step("cancel a pending order");
  const pending = await submit(`TS-${randomUUID().slice(0, 12)}`);
  const cancelled = await api.POST("/api/Transactions/CancelOrder", { body: { order_tracking_id: pending } });
  check(cancelled.data && String(cancelled.data.status) === "200", "cancel", cancelled.data);

  step("401 typed as such");
  const stranger = createClient<paths>({ baseUrl, headers: { Authorization: "Bearer not-a-token" } });
  stranger.use(recorder);
  const refused = await stranger.POST("/api/URLSetup/RegisterIPN", {
    body: { url: "http://127.0.0.1:9/ipn", ipn_notification_type: "GET" },
  });
  check(refused.response.status === 401 && refused.error !== undefined, "401", refused.data);
  const error: PesapalErrorResponse = refused.error;
  check(typeof error.error?.code === "string", "401 error code", error);
  console.log(`typescript: checkout passed (401 code ${error.error.code})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
