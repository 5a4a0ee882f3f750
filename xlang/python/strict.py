"""Strict pydantic v2 models against what Pesapal and pesapal-sim send (run by xlang/strict.sh).

The models are generated from spec/pesapal.openapi.json by datamodel-code-generator into
`pesapal_models` (beside this file), with extra keys forbidden: the project's conformance rule, an
object schema without `additionalProperties` declares every key it accepts. Every answer body of
the corpus (tests/corpus/<operationId>/<HTTP status>-….json) and every answer the simulator sent
during the cross-language checkouts (JSON lines written by the flows: method, path, HTTP status,
body) is validated, strictly (no coercion: a string stays a string), against the model of the
response the spec declares for it. Any failure fails the run.

Usage: python strict.py SPEC CORPUS_DIR ANSWERS.jsonl...
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

import pesapal_models


def response_component(spec: dict[str, Any], operation: dict[str, Any], status: int) -> str:
    """The component schema named by the response `operation` declares for `status`: the exact
    status, else its range (`4XX`), else `default`."""
    responses = operation["responses"]
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            schema = responses[key]["content"]["application/json"]["schema"]
            reference = schema.get("$ref", "")
            if not reference.startswith("#/components/schemas/"):
                raise LookupError(f"HTTP {status}: the response schema is not a component: {schema}")
            return reference.removeprefix("#/components/schemas/")
    raise LookupError(f"no response for HTTP {status}")


def main() -> int:
    spec_path, corpus_dir, *answer_files = sys.argv[1:]
    spec = json.loads(Path(spec_path).read_text())
    by_id: dict[str, dict[str, Any]] = {}
    by_route: dict[tuple[str, str], str] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            by_id[operation["operationId"]] = operation
            by_route[(method.upper(), path.lower())] = operation["operationId"]

    # (where from, operationId, HTTP status, body as sent)
    answers: list[tuple[str, str, int, str]] = []
    for file in sorted(Path(corpus_dir).glob("*/*.json")):
        answers.append((str(file), file.parent.name, int(file.name.split("-")[0]), file.read_text()))
    for answer_file in answer_files:
        for number, line in enumerate(Path(answer_file).read_text().splitlines(), 1):
            sent = json.loads(line)
            operation_id = by_route.get((sent["method"].upper(), sent["path"].lower()))
            where = f"{answer_file}:{number} ({sent['method']} {sent['path']})"
            if operation_id is None:
                print(f"FAIL {where}: no operation of the spec serves this path", flush=True)
                return 1
            answers.append((where, operation_id, sent["status"], sent["body"]))

    failures = 0
    for where, operation_id, status, body in answers:
        try:
            name = response_component(spec, by_id[operation_id], status)
            model: type[BaseModel | RootModel[Any]] = getattr(pesapal_models, name)
            model.model_validate_json(body, strict=True)
        except (LookupError, AttributeError, ValidationError) as problem:
            failures += 1
            print(f"FAIL {where}: {operation_id} HTTP {status}: {problem}\n  body: {body}", flush=True)
    checked = len(answers)
    print(f"pydantic: {checked - failures} passed, {failures} failed", flush=True)
    return 1 if failures or not answer_files else 0


if __name__ == "__main__":
    sys.exit(main())
