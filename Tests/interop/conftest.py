"""Fixtures of the interoperability tests: generated stubs, the grpcio server and the Swift
`interop` binary (from env MAAC_BIN, which `./maac test` sets to `swift build --show-bin-path`)."""

import os
import pathlib
import re
import subprocess
import sys

import grpc
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import grpcio_server as grpcio_test_service  # noqa: E402
import interop_stubs  # noqa: E402

LISTENING = re.compile(r"listening on (\S+):(\d+)")
# Bounds every wait on a subprocess so a hung peer fails the test instead of the run.
PROCESS_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="session")
def stubs(tmp_path_factory):
    return interop_stubs.generate(tmp_path_factory.mktemp("interop_stubs"))


@pytest.fixture(scope="session")
def interop_binary():
    bin_dir = os.environ.get("MAAC_BIN")
    if not bin_dir:
        pytest.fail(
            "MAAC_BIN is not set: it must name the folder holding the Swift `interop` binary "
            "(`./maac test` sets it to `swift build --show-bin-path`)",
            pytrace=False,
        )
    binary = pathlib.Path(bin_dir) / "interop"
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail(
            f"MAAC_BIN={bin_dir} holds no executable `interop`; build it with "
            "`swift build --product interop`",
            pytrace=False,
        )
    return binary


@pytest.fixture(scope="module")
def grpcio_server(stubs):
    server, port, service = grpcio_test_service.start(stubs)
    yield port, service
    server.stop(grace=None)


@pytest.fixture(scope="module")
def swift_server(interop_binary):
    """The Swift `interop server` on a free port (`--port 0`; it prints the port it bound)."""
    process = subprocess.Popen(
        [str(interop_binary), "server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = []
        port = None
        for line in process.stdout:
            seen.append(line)
            match = LISTENING.search(line)
            if match:
                port = int(match.group(2))
                break
        if port is None:
            process.wait(timeout=PROCESS_TIMEOUT_SECONDS)
            pytest.fail(
                f"`interop server --port 0` exited ({process.returncode}) without printing "
                f"'listening on HOST:PORT'; output:\n{''.join(seen)}",
                pytrace=False,
            )
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=PROCESS_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def channel_to():
    """Opens insecure channels to 127.0.0.1 ports; closes them after the test."""
    opened = []

    def open_channel(port):
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=PROCESS_TIMEOUT_SECONDS)
        opened.append(channel)
        return channel

    yield open_channel
    for channel in opened:
        channel.close()
