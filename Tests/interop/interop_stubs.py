"""Generates the Python grpc.testing stubs from the project's own Protos/grpc/testing.

The protos are copied to a temporary folder under the Python package name `interop_pb` (with
their imports rewritten to match) because the proto path `grpc/testing/...` would make the
generated modules import from `grpc.testing`, which is grpcio's own `grpc` package. Only the
Python module path changes: the proto package stays `grpc.testing`, so the wire names
(`/grpc.testing.TestService/UnaryCall`) and message encodings are exactly the Swift side's.
"""

import importlib
import pathlib
import sys

from grpc_tools import protoc

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTO_DIR = REPO_ROOT / "Protos" / "grpc" / "testing"
PROTO_FILES = ("empty.proto", "messages.proto", "test.proto")
PACKAGE = "interop_pb"


def generate(out_dir: pathlib.Path):
    """Generates the stubs into `out_dir` and returns the imported modules as a namespace."""
    package_dir = out_dir / PACKAGE
    package_dir.mkdir(parents=True, exist_ok=True)
    (package_dir / "__init__.py").write_text("")
    for name in PROTO_FILES:
        source = (PROTO_DIR / name).read_text()
        source = source.replace('import "grpc/testing/', f'import "{PACKAGE}/')
        (package_dir / name).write_text(source)

    well_known = pathlib.Path(protoc.__file__).parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{out_dir}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *[f"{PACKAGE}/{name}" for name in PROTO_FILES],
    ]
    status = protoc.main(args)
    if status != 0:
        raise RuntimeError(f"grpc_tools.protoc failed with status {status} for {PROTO_DIR}")

    sys.path.insert(0, str(out_dir))
    return Stubs(
        empty=importlib.import_module(f"{PACKAGE}.empty_pb2"),
        messages=importlib.import_module(f"{PACKAGE}.messages_pb2"),
        test=importlib.import_module(f"{PACKAGE}.test_pb2"),
        test_grpc=importlib.import_module(f"{PACKAGE}.test_pb2_grpc"),
    )


class Stubs:
    """The generated modules: empty_pb2, messages_pb2, test_pb2 and test_pb2_grpc."""

    def __init__(self, empty, messages, test, test_grpc):
        self.empty = empty
        self.messages = messages
        self.test = test
        self.test_grpc = test_grpc
