#!/usr/bin/env python3
"""Validates a JSON document against a JSON schema, offline, with the stdlib.

    validate_schema.py SCHEMA.json DOCUMENT.json

Implements the keywords the SARIF 2.1.0 schema uses: type, $ref (local),
properties, additionalProperties, required, items, minItems, uniqueItems,
enum, minimum, maximum, pattern, anyOf, oneOf, format (uri, uri-reference,
date-time). Any other keyword in the schema is an error here, so a schema
update that needs more is noticed rather than half-checked.

Prints "valid" and exits 0, or prints one line per problem (path: what) and
exits 1.
"""
import json
import re
import sys

KNOWN = {
    "$schema", "$id", "id", "title", "description", "default", "definitions", "$defs",
    "type", "$ref", "properties", "additionalProperties", "required", "items", "minItems",
    "uniqueItems", "enum", "minimum", "maximum", "pattern", "anyOf", "oneOf", "format",
}
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
URI_REF = re.compile(r"^[^\s]*$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class Validator:
    def __init__(self, schema):
        self.root = schema
        self.errors = []

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise SystemExit(f"validate_schema: only local $ref supported, not {ref}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    @staticmethod
    def type_ok(value, t):
        if t == "object":
            return isinstance(value, dict)
        if t == "array":
            return isinstance(value, list)
        if t == "string":
            return isinstance(value, str)
        if t == "boolean":
            return isinstance(value, bool)
        if t == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if t == "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if t == "null":
            return value is None
        raise SystemExit(f"validate_schema: unknown type {t}")

    def check(self, value, schema, path, errors):
        if schema is True or schema == {}:
            return
        if schema is False:
            errors.append(f"{path}: not allowed here")
            return
        unknown = set(schema) - KNOWN
        if unknown:
            raise SystemExit(f"validate_schema: schema keyword(s) not implemented: {sorted(unknown)}")
        if "$ref" in schema:
            self.check(value, self.resolve(schema["$ref"]), path, errors)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(self.type_ok(value, t) for t in types):
                errors.append(f"{path}: expected {'/'.join(types)}, got {type(value).__name__}")
                return
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                errors.append(f"{path}: {value} is less than the minimum {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                errors.append(f"{path}: {value} is more than the maximum {schema['maximum']}")
        if isinstance(value, str):
            if "pattern" in schema and not re.search(schema["pattern"], value):
                errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
            fmt = schema.get("format")
            if fmt == "uri" and not URI.match(value):
                errors.append(f"{path}: {value!r} is not an absolute URI")
            elif fmt == "uri-reference" and not URI_REF.match(value):
                errors.append(f"{path}: {value!r} is not a URI reference")
            elif fmt == "date-time" and not DATE_TIME.match(value):
                errors.append(f"{path}: {value!r} is not a date-time")
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    errors.append(f"{path}: required property '{name}' is missing")
            extra = schema.get("additionalProperties", True)
            for name, sub in value.items():
                if name in props:
                    self.check(sub, props[name], f"{path}.{name}", errors)
                elif extra is False:
                    errors.append(f"{path}: property '{name}' is not allowed")
                elif isinstance(extra, dict):
                    self.check(sub, extra, f"{path}.{name}", errors)
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                errors.append(f"{path}: fewer than {schema['minItems']} items")
            if schema.get("uniqueItems"):
                seen = [json.dumps(v, sort_keys=True) for v in value]
                if len(seen) != len(set(seen)):
                    errors.append(f"{path}: items are not unique")
            if isinstance(schema.get("items"), dict):
                for i, item in enumerate(value):
                    self.check(item, schema["items"], f"{path}[{i}]", errors)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                matched = 0
                for alt in schema[key]:
                    sub_errors = []
                    self.check(value, alt, path, sub_errors)
                    matched += not sub_errors
                if matched == 0 or (key == "oneOf" and matched > 1):
                    errors.append(f"{path}: matches {matched} of the {key} alternatives")


def main():
    if len(sys.argv) != 3:
        print("usage: validate_schema.py SCHEMA.json DOCUMENT.json", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            doc = json.load(f)
    except ValueError as e:
        print(f"{sys.argv[2]}: not JSON: {e}")
        return 1
    v = Validator(schema)
    errors = []
    v.check(doc, schema, "$", errors)
    for e in errors:
        print(e)
    if errors:
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
