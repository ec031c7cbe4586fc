"""Checks HTTP requests and responses against an API description: OpenAPI 3.0 (DigitalOcean) or Swagger 2.0
(Azure Resource Manager), the subset of each that the project's fakes need. Standard library only.

It is test tooling, not part of the product: the fakes (tests/fakes/digitalocean, tests/fakes/azure) call
check_request() for every request they receive and check_response() for every answer they give, and collect
the findings, so that a test fails when the driver sends, or the fake answers, something the real API
description does not allow.

What is checked:
- the operation exists (method + path template), path/query/header parameters (required, type, enum,
  pattern, minimum/maximum), unknown query parameters, the Authorization: Bearer header (security schemes);
- request bodies (OpenAPI `requestBody`, Swagger `in: body`) and response bodies against their JSON schemas:
  type, nullable/x-nullable, enum (not for x-ms-enum modelAsString), required (readOnly properties are not
  required in requests and must not be sent; writeOnly ones not required in responses), properties,
  additionalProperties, properties no schema names (strict mode), items, allOf/anyOf/oneOf, min/max,
  minLength/maxLength, pattern, date-time format;
- the status code is one the operation declares (or `default`), and declared response headers are present.
"""
import json
import os
import re
from urllib.parse import unquote

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def load_document(path):
    """Loads a JSON or YAML description. YAML needs PyYAML (Debian's python3-yaml)."""
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    if path.endswith(".json"):
        return json.loads(text)
    import yaml  # noqa: PLC0415 - only needed for YAML descriptions

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


class Operation:
    def __init__(self, spec, method, template, node, path_params, file):
        self.spec = spec
        self.method = method
        self.template = template
        self.node = node
        self.file = file
        self.params = []
        by_key = {}
        for raw in list(path_params) + list(node.get("parameters", [])):
            param, param_file = spec.deref(raw, file)
            by_key[(param["in"], param["name"])] = (param, param_file)
        self.params = list(by_key.values())
        names = re.findall(r"{([^}]+)}", template)
        pattern = re.escape(template)
        for name in names:
            pattern = pattern.replace(re.escape("{" + name + "}"), "(?P<%s>[^/]+)" % re.sub(r"\W", "_", name))
        self.regex = re.compile("^" + pattern + "$")
        self.path_names = names

    @property
    def long_running(self):
        return bool(self.node.get("x-ms-long-running-operation"))

    def __repr__(self):
        return f"{self.method} {self.template}"


class Spec:
    def __init__(self, path, strict=True):
        self.strict = strict
        self.root_file = os.path.abspath(path)
        self.documents = {self.root_file: load_document(self.root_file)}
        self.operations = []
        self.swagger = "swagger" in self.documents[self.root_file]

    @classmethod
    def from_files(cls, paths, strict=True):
        """Several Swagger files (Azure keeps one per resource type) as one description."""
        spec = cls(paths[0], strict)
        for path in paths:
            spec._add_operations(os.path.abspath(path))
        return spec

    @classmethod
    def from_file(cls, path, strict=True):
        spec = cls(path, strict)
        spec._add_operations(spec.root_file)
        return spec

    def document(self, file):
        if file not in self.documents:
            self.documents[file] = load_document(file)
        return self.documents[file]

    def _add_operations(self, file):
        doc = self.document(file)
        for template, item in doc.get("paths", {}).items():
            for method, node in item.items():
                if method in ("get", "put", "post", "delete", "patch", "head"):
                    self.operations.append(Operation(self, method.upper(), template, node,
                                                     item.get("parameters", []), file))

    # ---- $ref ----
    def deref(self, node, file):
        """Follows $ref chains; returns (node, file the node lives in)."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            target_file, _, pointer = ref.partition("#")
            if target_file:
                file = os.path.normpath(os.path.join(os.path.dirname(file), target_file))
            node = self.document(file)
            for part in pointer.split("/")[1:]:
                node = node[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
            if seen > 50:
                raise ValueError("$ref loop at " + ref)
        return node, file

    # ---- operations ----
    def find_operation(self, method, path):
        for operation in self.operations:
            if operation.method == method and operation.regex.match(path):
                return operation
        return None

    def check_request(self, method, path, query, headers, body):
        """query: dict name -> list of values; headers: dict lower-case name -> value; body: bytes.
        Returns (operation or None, [findings])."""
        findings = []
        operation = self.find_operation(method, path)
        if operation is None:
            return None, [f"{method} {path}: no such operation in the API description"]
        where = f"{method} {operation.template}"
        match = operation.regex.match(path)
        declared_query = set()
        body_param = None
        for param, param_file in operation.params:
            location, name = param["in"], param["name"]
            if location == "path":
                raw = unquote(match.group(re.sub(r"\W", "_", name)))
                findings += self._check_parameter(raw, param, param_file, f"{where}: path parameter {name}")
            elif location == "query":
                declared_query.add(name)
                if name not in query:
                    if param.get("required"):
                        findings.append(f"{where}: required query parameter {name} is missing")
                    continue
                for raw in query[name]:
                    findings += self._check_parameter(raw, param, param_file, f"{where}: query parameter {name}")
            elif location == "header":
                value = headers.get(name.lower())
                if value is None:
                    if param.get("required"):
                        findings.append(f"{where}: required header {name} is missing")
                    continue
                findings += self._check_parameter(value, param, param_file, f"{where}: header {name}")
            elif location == "body":
                body_param = (param, param_file)
        for name in query:
            if name not in declared_query:
                findings.append(f"{where}: query parameter {name} is not in the API description")
        findings += self._check_security(operation, headers, where)

        body_schema = None
        body_required = False
        if body_param is not None:
            body_schema = (body_param[0].get("schema"), body_param[1])
            body_required = bool(body_param[0].get("required"))
        elif "requestBody" in operation.node:
            request_body, rb_file = self.deref(operation.node["requestBody"], operation.file)
            body_required = bool(request_body.get("required"))
            content = request_body.get("content", {})
            if "application/json" in content:
                body_schema = (content["application/json"].get("schema"), rb_file)
        if body:
            if body_schema is None:
                findings.append(f"{where}: the operation takes no request body, one was sent")
            else:
                content_type = headers.get("content-type", "")
                if "application/json" not in content_type:
                    findings.append(f"{where}: request body sent with Content-Type {content_type!r}")
                try:
                    instance = json.loads(body)
                except ValueError as error:
                    findings.append(f"{where}: request body is not JSON: {error}")
                else:
                    findings += self.validate(instance, body_schema[0], body_schema[1], "request",
                                              f"{where} request body")
        elif body_required:
            findings.append(f"{where}: required request body is missing")
        return operation, findings

    def _check_security(self, operation, headers, where):
        requirements = operation.node.get("security", self.document(operation.file).get("security"))
        if not requirements:
            return []
        authorization = headers.get("authorization", "")
        if not re.match(r"^Bearer \S+$", authorization):
            return [f"{where}: missing or malformed 'Authorization: Bearer <token>' header"]
        return []

    def _check_parameter(self, raw, param, param_file, where):
        schema = param.get("schema")
        if schema is None:  # Swagger 2.0: the schema keywords sit on the parameter itself
            schema = {key: value for key, value in param.items()
                      if key in ("type", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength",
                                 "format", "x-ms-enum")}
        schema, schema_file = self.deref(schema, param_file)
        value = self._coerce(raw, schema, schema_file)
        findings = self.validate(value, schema, schema_file, "request", where)
        # Swagger api-version parameters: the value must be the description's own version.
        if param.get("name") == "api-version" and self.swagger:
            version = self.document(param_file).get("info", {}).get("version")
            if version and raw != version:
                findings.append(f"{where}: api-version {raw!r}, the description is for {version!r}")
        return findings

    def _coerce(self, raw, schema, file):
        """Turns a path/query string into the JSON value its schema describes (first matching type)."""
        candidates = [schema]
        for key in ("anyOf", "oneOf"):
            candidates += [self.deref(sub, file)[0] for sub in schema.get(key, [])]
        for candidate in candidates:
            kind = candidate.get("type")
            if kind == "integer" and re.fullmatch(r"-?\d+", raw):
                return int(raw)
            if kind == "number":
                try:
                    return float(raw)
                except ValueError:
                    pass
            if kind == "boolean" and raw in ("true", "false"):
                return raw == "true"
        return raw

    def check_response(self, operation, status, headers, body):
        """headers: dict lower-case name -> value; body: bytes. Returns [findings]."""
        where = f"{operation.method} {operation.template} -> {status}"
        responses = operation.node.get("responses", {})
        response = responses.get(str(status), responses.get("default"))
        if response is None:
            return [f"{where}: status {status} is not declared (declared: {sorted(responses)})"]
        response, response_file = self.deref(response, operation.file)
        findings = []
        for name in response.get("headers", {}):
            if name.lower() not in headers:
                findings.append(f"{where}: declared response header {name} is missing")
        schema = None
        if self.swagger:
            if "schema" in response:
                schema = response["schema"]
        else:
            content = response.get("content")
            if content:
                if "application/json" not in content:
                    findings.append(f"{where}: the description has no JSON content for this response")
                else:
                    schema = content["application/json"].get("schema")
        if schema is None:
            if body and not self.swagger:
                findings.append(f"{where}: the description has no body for this response, one was sent")
            return findings
        try:
            instance = json.loads(body)
        except ValueError as error:
            return findings + [f"{where}: response body is not JSON: {error}"]
        return findings + self.validate(instance, schema, response_file, "response", f"{where} response body")

    # ---- JSON schema ----
    def validate(self, instance, schema, file, mode, where):
        findings = []
        self._validate(instance, schema, file, mode, where, findings, check_unknown=True)
        return findings

    def _known_properties(self, schema, file, seen=None):
        """Property names a schema allows, through allOf/anyOf/oneOf; None when any name is allowed."""
        schema, file = self.deref(schema, file)
        if not isinstance(schema, dict):
            return None
        if schema.get("additionalProperties") not in (None, False):
            return None
        names = set(schema.get("properties", {}))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, []):
                sub_names = self._known_properties(sub, file)
                if sub_names is None:
                    return None
                names |= sub_names
        return names

    def _property_schemas(self, schema, file):
        """name -> (schema, file) for every property declared here or in allOf members."""
        schema, file = self.deref(schema, file)
        result = {}
        for sub in schema.get("allOf", []):
            result.update(self._property_schemas(sub, file))
        for name, sub in schema.get("properties", {}).items():
            result[name] = (sub, file)
        return result

    def _validate(self, instance, schema, file, mode, where, findings, check_unknown):
        schema, file = self.deref(schema, file)
        if not isinstance(schema, dict) or not schema:
            return
        if instance is None:
            if schema.get("nullable") or schema.get("x-nullable"):
                return
            if mode == "response" and not schema.get("type") and not schema.get("properties"):
                return
            findings.append(f"{where}: null is not allowed")
            return

        for sub in schema.get("allOf", []):
            self._validate(instance, sub, file, mode, where, findings, check_unknown=False)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                matched = 0
                branch_findings = []
                for sub in schema[key]:
                    found = []
                    self._validate(instance, sub, file, mode, where, found, check_unknown=False)
                    if not found:
                        matched += 1
                    branch_findings.append(found)
                if matched == 0:
                    details = "; ".join(f[0] for f in branch_findings if f)
                    findings.append(f"{where}: matches none of {key} ({details})")
                elif key == "oneOf" and matched > 1 and not self._scalar_branches(schema[key], file):
                    findings.append(f"{where}: matches {matched} schemas of oneOf")

        kind = schema.get("type")
        if kind is None and ("properties" in schema or "additionalProperties" in schema):
            kind = "object"
        if kind and not self._type_ok(instance, kind):
            findings.append(f"{where}: expected {kind}, got {type(instance).__name__} {instance!r:.80}")
            return

        enum = schema.get("enum")
        model_as_string = schema.get("x-ms-enum", {}).get("modelAsString", False)
        if enum is not None and not model_as_string and instance not in enum:
            findings.append(f"{where}: {instance!r} is not one of {enum}")

        if isinstance(instance, str):
            if "maxLength" in schema and len(instance) > schema["maxLength"]:
                findings.append(f"{where}: longer than {schema['maxLength']}")
            if "minLength" in schema and len(instance) < schema["minLength"]:
                findings.append(f"{where}: shorter than {schema['minLength']}")
            if "pattern" in schema and not re.search(schema["pattern"], instance):
                findings.append(f"{where}: {instance!r} does not match {schema['pattern']}")
            if schema.get("format") == "date-time" and not _DATE_TIME.match(instance):
                findings.append(f"{where}: {instance!r} is not a date-time")
        if isinstance(instance, (int, float)) and not isinstance(instance, bool):
            if "minimum" in schema and instance < schema["minimum"]:
                findings.append(f"{where}: {instance} < minimum {schema['minimum']}")
            if "maximum" in schema and instance > schema["maximum"]:
                findings.append(f"{where}: {instance} > maximum {schema['maximum']}")
        if isinstance(instance, list):
            if "minItems" in schema and len(instance) < schema["minItems"]:
                findings.append(f"{where}: fewer than {schema['minItems']} items")
            if "maxItems" in schema and len(instance) > schema["maxItems"]:
                findings.append(f"{where}: more than {schema['maxItems']} items")
            if "items" in schema:
                for index, item in enumerate(instance):
                    self._validate(item, schema["items"], file, mode, f"{where}[{index}]", findings, True)
        if isinstance(instance, dict):
            self._validate_object(instance, schema, file, mode, where, findings, check_unknown)

    def _validate_object(self, instance, schema, file, mode, where, findings, check_unknown):
        properties = schema.get("properties", {})
        for name, sub in properties.items():
            sub_schema, _ = self.deref(sub, file)
            if name in instance:
                if mode == "request" and sub_schema.get("readOnly"):
                    findings.append(f"{where}.{name}: read-only property sent in a request")
                    continue
                self._validate(instance[name], sub, file, mode, f"{where}.{name}", findings, True)
        for name in schema.get("required", []):
            if name in instance:
                continue
            sub_schema, _ = self.deref(properties.get(name, {}), file)
            if mode == "request" and sub_schema.get("readOnly"):
                continue
            if mode == "response" and sub_schema.get("writeOnly"):
                continue
            findings.append(f"{where}: required property {name} is missing")
        additional = schema.get("additionalProperties")
        if isinstance(additional, dict):
            for name, value in instance.items():
                if name not in properties:
                    self._validate(value, additional, file, mode, f"{where}.{name}", findings, True)
        if check_unknown and self.strict:
            known = self._known_properties(schema, file)
            if known is not None:
                for name in instance:
                    if name not in known:
                        findings.append(f"{where}.{name}: property is not in the API description")

    def _scalar_branches(self, branches, file):
        """oneOf of plain types where a value can fit two (integer is also a number)."""
        kinds = [self.deref(sub, file)[0].get("type") for sub in branches]
        return set(kinds) <= {"integer", "number", "string"}

    @staticmethod
    def _type_ok(instance, kind):
        if kind == "object":
            return isinstance(instance, dict)
        if kind == "array":
            return isinstance(instance, list)
        if kind == "string":
            return isinstance(instance, str)
        if kind == "integer":
            return isinstance(instance, int) and not isinstance(instance, bool)
        if kind == "number":
            return isinstance(instance, (int, float)) and not isinstance(instance, bool)
        if kind == "boolean":
            return isinstance(instance, bool)
        if kind == "null":
            return instance is None
        return True
