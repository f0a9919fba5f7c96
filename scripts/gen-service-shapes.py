#!/usr/bin/env python3
"""Regenerate src/teststate/shapes.json: the result shapes TestState checks a mocked
result against (fieldValidationMode STRICT and PRESENT), taken from botocore's service
models (Apache-2.0; `pip install botocore`). Only the integrations listed in OPERATIONS
are kept, so the data stays small. Member names are PascalCase, as Step Functions
returns them (`executionArn` in the API model is `ExecutionArn` in a task result).

Usage: python3 scripts/gen-service-shapes.py  (writes src/teststate/shapes.json)
"""
import json
import os

import botocore
from botocore.loaders import Loader

# Task resource (without arn:aws:states:::) -> (botocore service, operation)
OPERATIONS = {
    "lambda:invoke": ("lambda", "Invoke"),
    "dynamodb:getItem": ("dynamodb", "GetItem"),
    "dynamodb:putItem": ("dynamodb", "PutItem"),
    "dynamodb:updateItem": ("dynamodb", "UpdateItem"),
    "dynamodb:deleteItem": ("dynamodb", "DeleteItem"),
    "sqs:sendMessage": ("sqs", "SendMessage"),
    "sns:publish": ("sns", "Publish"),
    "events:putEvents": ("events", "PutEvents"),
    "states:startExecution": ("stepfunctions", "StartExecution"),
    "aws-sdk:kms:encrypt": ("kms", "Encrypt"),
    "aws-sdk:kms:decrypt": ("kms", "Decrypt"),
    "aws-sdk:s3:getObject": ("s3", "GetObject"),
    "aws-sdk:s3:putObject": ("s3", "PutObject"),
    "aws-sdk:s3:listObjectsV2": ("s3", "ListObjectsV2"),
    "aws-sdk:lambda:getFunction": ("lambda", "GetFunction"),
    "aws-sdk:lambda:invoke": ("lambda", "Invoke"),
    "aws-sdk:dynamodb:getItem": ("dynamodb", "GetItem"),
    "aws-sdk:dynamodb:putItem": ("dynamodb", "PutItem"),
    "aws-sdk:sqs:sendMessage": ("sqs", "SendMessage"),
    "aws-sdk:sns:publish": ("sns", "Publish"),
    "aws-sdk:sfn:startExecution": ("stepfunctions", "StartExecution"),
}

# The optimized Lambda integration returns the function's payload as JSON, not as a blob.
ANY_JSON = {("lambda:invoke", "Payload")}

NUMBERS = {"integer", "long", "double", "float", "bigdecimal", "biginteger", "byte", "short"}


def pascal(name):
    return name[:1].upper() + name[1:]


def main():
    loader = Loader()
    shapes = {}
    operations = {}
    for resource, (service, op) in OPERATIONS.items():
        model = loader.load_service_model(service, "service-2")
        output = model["operations"][op].get("output")
        if output is None:
            operations[resource] = None
            continue
        root = f"{service}.{output['shape']}"
        operations[resource] = root

        def add(name, path):
            key = f"{service}.{name}"
            spec = model["shapes"][name]
            entry = {"type": spec["type"]}
            if spec["type"] in NUMBERS:
                entry["type"] = "number"
            for k in ("min", "max"):
                if k in spec:
                    entry[k] = spec[k]
            if "enum" in spec:
                entry["enum"] = spec["enum"]
            if key in shapes:
                return key
            shapes[key] = entry
            if spec["type"] == "structure":
                members = {}
                for m, ms in spec.get("members", {}).items():
                    if (resource, m) in ANY_JSON:
                        members[pascal(m)] = "any"
                    else:
                        members[pascal(m)] = add(ms["shape"], path + [m])
                entry["members"] = members
                entry["required"] = [pascal(r) for r in spec.get("required", [])]
            elif spec["type"] == "list":
                entry["member"] = add(spec["member"]["shape"], path)
            elif spec["type"] == "map":
                entry["value"] = add(spec["value"]["shape"], path)
            return key

        add(output["shape"], [])
    if "any" not in shapes:
        shapes["any"] = {"type": "any"}
    out = {
        "source": f"botocore {botocore.__version__} service models (Apache-2.0), by scripts/gen-service-shapes.py",
        "operations": dict(sorted(operations.items())),
        "shapes": dict(sorted(shapes.items())),
    }
    path = os.path.join(os.path.dirname(__file__), "..", "src", "teststate", "shapes.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    print(f"wrote {path}: {len(operations)} operations, {len(shapes)} shapes")


if __name__ == "__main__":
    main()
