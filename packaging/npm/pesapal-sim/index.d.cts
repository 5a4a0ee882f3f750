import type { ChildProcess } from "node:child_process";

/** A decoded JSON value as the control API answers it (see its OpenAPI description, `GET /_sim/openapi.json`). */
export type Json = any;

/** How to start the simulator. */
export interface SimulatorOptions {
  /** Makes tracking ids, IPN ids, confirmation codes and tokens reproducible (default: random). */
  seed?: number;
  /** Another pesapal-sim binary than this platform package's (or set `PESAPAL_SIM_BINARY`). */
  binary?: string;
  /** How long to wait for the binary to listen (default 10000). */
  timeoutMs?: number;
  /** The consumer key to accept (default: random). */
  consumerKey?: string;
  /** The consumer secret to accept (default: random). */
  consumerSecret?: string;
  /** `sandbox` (default) or `live`: the payment page's path. */
  environment?: "sandbox" | "live";
  /** Any other command-line flag of `pesapal-sim` (`ipnBackoffMs: 10` is `--ipn-backoff-ms 10`). */
  [flag: string]: string | number | boolean | undefined;
}

/** How the customer pays: M-Pesa by default, or a test card or phone number deciding the outcome. */
export interface PayOptions {
  /** A card number (`4000000000000002` is declined, …). */
  card?: string;
  /** An M-Pesa phone number (`254700000002` declines, …). */
  phone?: string;
  /** `mpesa` (default) or `card`. */
  method?: "mpesa" | "card";
}

/** IPN delivery controls. */
export interface IpnControls {
  /** Wait this long (ms, real time) before the first call. */
  delay_ms?: number;
  /** Deliver each notification this many extra times. */
  duplicates?: number;
  /** Never deliver. */
  drop?: boolean;
  /** Deliver each notification only after the order's next one. */
  out_of_order?: boolean;
}

/** Faults injected on the Pesapal API routes. */
export interface Faults {
  latency_ms?: number;
  error_status?: number;
  error_rate?: number;
  fail_next?: number;
  drop_rate?: number;
  drop_next?: number;
  lose_answer_rate?: number;
  lose_answer_next?: number;
  revoke_tokens_after?: number | null;
}

/** A running simulator and its control API. */
export interface Simulator {
  /** The base URL to give a Pesapal client, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /** The consumer key RequestToken accepts. */
  readonly consumerKey: string;
  /** The consumer secret RequestToken accepts. */
  readonly consumerSecret: string;
  /** The binary's process. */
  readonly process: ChildProcess;
  /** What the binary printed last (diagnostics). */
  output(): string;
  /** Any control API call: `path` under `/_sim`. */
  control(method: string, path: string, body?: Json): Promise<Json>;
  info(): Promise<Json>;
  /** The control API's OpenAPI 3.0 description, with this simulator as its server. */
  openapi(): Promise<Json>;
  orders(): Promise<Json[]>;
  order(orderTrackingId: string): Promise<Json>;
  /** The customer pays; returns the order. */
  pay(orderTrackingId: string, options?: PayOptions): Promise<Json>;
  /** The payment attempt fails; returns the order. */
  fail(orderTrackingId: string, options?: { method?: "mpesa" | "card" }): Promise<Json>;
  /** A completed payment is reversed; returns the order. */
  reverse(orderTrackingId: string): Promise<Json>;
  /** The customer approves the STK prompt. */
  approve(orderTrackingId: string): Promise<Json>;
  /** The customer declines the STK prompt. */
  decline(orderTrackingId: string): Promise<Json>;
  clock(): Promise<{ now: string; offset_seconds: number }>;
  /** Moves the virtual clock forward (tokens expire, subscriptions charge). */
  advanceClock(seconds: number): Promise<{ now: string; charges: Json[] }>;
  /** Every IPN delivery with its attempts. */
  ipnDeliveries(): Promise<Json[]>;
  /** Waits until `count` deliveries (of one order, when given) are finished. */
  waitForIpnDeliveries(count?: number, options?: { orderTrackingId?: string; timeoutMs?: number }): Promise<Json[]>;
  ipnControls(): Promise<Json>;
  /** Replaces the IPN controls for every order, or for one. */
  setIpnControls(controls?: IpnControls, orderTrackingId?: string): Promise<IpnControls>;
  faults(): Promise<Json>;
  /** Replaces the faults in force (none given: no faults). */
  setFaults(faults?: Faults): Promise<Faults>;
  refunds(): Promise<Json[]>;
  /** Forgets everything: tokens, IPNs, orders, refunds, deliveries, faults, clock. */
  reset(): Promise<void>;
  /** Stops the binary. */
  stop(): Promise<void>;
}

/** Starts a simulator on a free loopback port. */
export declare function startSimulator(options?: SimulatorOptions): Promise<Simulator>;

/** The control API refused a request. */
export declare class SimulatorControlError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
}

/** Every operation of the control API's OpenAPI description, and the simulator's method that calls it. */
export declare const OPERATIONS: Readonly<Record<string, keyof Simulator>>;

/** The path of the `pesapal-sim` binary this package runs. */
export declare function binaryPath(): string;
