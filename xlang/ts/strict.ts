// Strict zod models against what Pesapal and pesapal-sim send (run by xlang/strict.sh).
//
// The schemas are generated from spec/pesapal.openapi.json by @hey-api/openapi-ts's zod plugin
// into gen/zod.gen.ts, with strict objects (openapi-ts.config.mjs). Every answer body of the corpus
// (tests/corpus/<operationId>/<HTTP status>-….json) and every answer the simulator sent during the
// cross-language checkouts (JSON lines written by the flows: method, path, HTTP status, body) is
// validated against the schema of the response the spec declares for it. Any failure fails the run.
//
// Usage: node out/strict.js SPEC CORPUS_DIR ANSWERS.jsonl...
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ZodType } from "zod";
import * as models from "./gen/zod.gen.js";

interface Operation {
  operationId: string;
  responses: Record<string, { content: { "application/json": { schema: { $ref?: string } } } }>;
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
}

/** The component named by the response `operation` declares for `status`: the exact status, else
 * its range (`4XX`), else `default`. */
function responseComponent(operation: Operation, status: number): string {
  for (const key of [String(status), `${Math.floor(status / 100)}XX`, "default"]) {
    const response = operation.responses[key];
    if (response === undefined) continue;
    const schema = response.content["application/json"].schema;
    const prefix = "#/components/schemas/";
    if (!schema.$ref?.startsWith(prefix)) throw new Error(`HTTP ${status}: the response schema is not a component`);
    return schema.$ref.slice(prefix.length);
  }
  throw new Error(`no response for HTTP ${status}`);
}

function main(): number {
  const [specPath, corpusDir, ...answerFiles] = process.argv.slice(2);
  if (specPath === undefined || corpusDir === undefined) throw new Error("usage: strict.js SPEC CORPUS_DIR ANSWERS...");
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as Spec;
  const byId = new Map<string, Operation>();
  const byRoute = new Map<string, string>();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      byId.set(operation.operationId, operation);
      byRoute.set(`${method.toUpperCase()} ${path.toLowerCase()}`, operation.operationId);
    }
  }

  const answers: { where: string; operationId: string; status: number; body: string }[] = [];
  for (const operationId of readdirSync(corpusDir).sort()) {
    const folder = join(corpusDir, operationId);
    if (!statSync(folder).isDirectory()) continue;
    for (const name of readdirSync(folder).filter((n) => n.endsWith(".json")).sort()) {
      const status = Number(name.split("-")[0]);
      answers.push({ where: join(folder, name), operationId, status, body: readFileSync(join(folder, name), "utf8") });
    }
  }
  for (const file of answerFiles) {
    readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0).forEach((line, index) => {
      const sent = JSON.parse(line) as { method: string; path: string; status: number; body: string };
      const where = `${file}:${index + 1} (${sent.method} ${sent.path})`;
      const operationId = byRoute.get(`${sent.method.toUpperCase()} ${sent.path.toLowerCase()}`);
      if (operationId === undefined) throw new Error(`${where}: no operation of the spec serves this path`);
      answers.push({ where, operationId, status: sent.status, body: sent.body });
    });
  }

  const schemas = models as unknown as Record<string, ZodType | undefined>;
  let failures = 0;
  for (const { where, operationId, status, body } of answers) {
    let problem: string | undefined;
    try {
      const operation = byId.get(operationId);
      if (operation === undefined) throw new Error(`no operation ${operationId}`);
      const name = responseComponent(operation, status);
      const schema = schemas[`z${name}`];
      if (schema === undefined) throw new Error(`no zod schema z${name}`);
      const result = schema.safeParse(JSON.parse(body));
      if (!result.success) problem = JSON.stringify(result.error.issues);
    } catch (e) {
      problem = String(e);
    }
    if (problem !== undefined) {
      failures += 1;
      console.log(`FAIL ${where}: ${operationId} HTTP ${status}: ${problem}\n  body: ${body}`);
    }
  }
  console.log(`zod: ${answers.length - failures} passed, ${failures} failed`);
  return failures > 0 || answerFiles.length === 0 ? 1 : 0;
}

process.exitCode = main();
