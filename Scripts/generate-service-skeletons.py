#!/usr/bin/env python3
"""Scaffolds a compiling server skeleton for every gRPC service of Protos/maac.

For each context (maac.<context>.v1) it writes, under
services/<context>/Sources/<Context>Service/RPC/:
  <Service>Handler.swift   a struct conforming to the generated SimpleServiceProtocol whose
                           every method throws RPCError(.unimplemented)
  <Context>Services.swift  `all()` — the handlers to register — and `implementedMethods`

The signatures are taken from the generated grpc-swift-2 code in
Sources/MAACContracts/Generated (run Scripts/generate-protos.sh first), so they always match it.
Existing files are never overwritten (they are where each context's issue implements its RPCs)
unless --force is given; new services get new files. The service conformance tests
(Tests/ContractsTests/ServiceConformanceTests.swift) fail when a handler is missing or extra.

Usage: Scripts/generate-service-skeletons.py [--force]
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATED = os.path.join(ROOT, "Sources", "MAACContracts", "Generated")
FILE_PATTERN = re.compile(r"^maac_([a-z0-9]+)_v1_[a-z0-9_]+\.grpc\.swift$")
PROTOCOL_PATTERN = re.compile(
    r"public protocol SimpleServiceProtocol: (\w+)\.ServiceProtocol \{\n(.*?)\n    \}\n", re.S)
FUNC_PATTERN = re.compile(r"        func (\w+)\((.*?)\) async throws( -> [\w.<>, ]+)?\n", re.S)
METHOD_ENUM_PATTERN = re.compile(r"^        public enum (\w+): Sendable \{$", re.M)
NAMESPACE_PATTERN = re.compile(r"^public enum (\w+): Sendable \{$", re.M)


def services_of(path):
    """(namespace, full service name, [(proto method, swift func, params, result)]) per service."""
    text = open(path).read()
    found = []
    for match in PROTOCOL_PATTERN.finditer(text):
        namespace, body = match.group(1), match.group(2) + "\n"
        functions = FUNC_PATTERN.findall(body)
        start = text.index("public enum %s: Sendable {" % namespace)
        end = text.index("\n}\n", start)
        namespace_block = text[start:end]
        method_block = namespace_block[namespace_block.index("public enum Method: Sendable {"):]
        method_names = METHOD_ENUM_PATTERN.findall(method_block)
        full_name = re.search(r'fullyQualifiedService: "([\w.]+)"', namespace_block).group(1)
        if len(method_names) != len(functions):
            sys.exit("cannot pair methods of %s in %s" % (namespace, path))
        methods = [
            (proto, func, params, (result or "").strip())
            for proto, (func, params, result) in zip(method_names, functions)
        ]
        found.append((namespace, full_name, methods))
    return found


def handler_source(context, namespace, full_name, methods):
    service = full_name.rsplit(".", 1)[1]
    lines = [
        "import GRPCCore",
        "import MAACContracts",
        "",
        "/// Server skeleton of `%s`: every method answers UNIMPLEMENTED until the %s issue" % (full_name, context),
        "/// implements it (scaffolded by Scripts/generate-service-skeletons.py).",
        "public struct %sHandler: %s.SimpleServiceProtocol {" % (service, namespace),
        "  public init() {}",
    ]
    for proto, func, params, result in methods:
        params = re.sub(r"\s+", " ", params.strip())
        params = params.replace("GRPCCore.", "")
        signature = "  public func %s(%s) async throws" % (func, params)
        if result:
            signature += " " + result.replace("GRPCCore.", "")
        lines += [
            "",
            signature + " {",
            "    throw RPCError(",
            "      code: .unimplemented,",
            '      message: "\\(%s.Method.%s.descriptor.fullyQualifiedMethod) is not implemented yet")'
            % (namespace, proto),
            "  }",
        ]
    lines += ["}", ""]
    text = "\n".join(lines)
    if "SwiftProtobuf." in text:
        text = text.replace("import MAACContracts\n", "import MAACContracts\nimport SwiftProtobuf\n", 1)
    return text


def registry_source(context, module, services):
    type_name = module.replace("Service", "Services")
    lines = [
        "import GRPCCore",
        "",
        "/// The RPC services of the %s context, for the server to register." % context,
        "public enum %s {" % type_name,
        "  /// One handler per service of `maac.%s.v1`." % context,
        "  public static func all() -> [any RegistrableRPCService] {",
        "    [",
    ]
    for _, full_name, _ in services:
        lines.append("      %sHandler()," % full_name.rsplit(".", 1)[1])
    lines += [
        "    ]",
        "  }",
        "",
        "  /// Methods (\"maac.%s.v1.Service/Method\") whose handlers are implemented; the service" % context,
        "  /// conformance tests expect UNIMPLEMENTED from every other method. Add a method here",
        "  /// when its handler stops answering UNIMPLEMENTED.",
        "  public static let implementedMethods: Set<String> = []",
        "}",
        "",
    ]
    return "\n".join(lines)


def write(path, text, force, written):
    if os.path.exists(path) and not force:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)
    written.append(path)
    print("[skeletons] wrote", os.path.relpath(path, ROOT))


def main():
    force = "--force" in sys.argv[1:]
    written = []
    by_context = {}
    for name in sorted(os.listdir(GENERATED)):
        match = FILE_PATTERN.match(name)
        if not match or match.group(1) == "common":
            continue
        by_context.setdefault(match.group(1), []).extend(services_of(os.path.join(GENERATED, name)))
    for context, services in sorted(by_context.items()):
        if not services:
            continue
        module = context.capitalize() + "Service"
        folder = os.path.join(ROOT, "services", context, "Sources", module, "RPC")
        for namespace, full_name, methods in services:
            service = full_name.rsplit(".", 1)[1]
            write(os.path.join(folder, service + "Handler.swift"),
                  handler_source(context, namespace, full_name, methods), force, written)
        write(os.path.join(folder, module.replace("Service", "Services") + ".swift"),
              registry_source(context, module, services), force, written)
    if written:
        # The repository's style (.swift-format), like every hand-written file.
        subprocess.run(["swift", "format", "-i"] + written, cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
