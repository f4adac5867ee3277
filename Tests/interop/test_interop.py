"""The gRPC interoperability cases run both ways against grpcio:

* grpcio client (grpcio_client.py) -> Swift `interop server`
* Swift `interop client` -> grpcio server (grpcio_server.py)

plus grpcio client -> grpcio server, which proves the Python side itself follows the case
descriptions, so a failure in the other two directions points at the Swift side.
"""

import subprocess
import time

import grpcio_client
import pytest
from conftest import PROCESS_TIMEOUT_SECONDS

CASES = sorted(grpcio_client.CASES)
# The cases where the client cancels: the grpcio server must have seen the cancellation.
CANCELLED_METHOD = {
    "cancel_after_begin": "StreamingInputCall",
    "cancel_after_first_response": "FullDuplexCall",
}


@pytest.mark.parametrize("case", CASES)
def test_grpcio_client_to_grpcio_server(case, stubs, grpcio_server, channel_to):
    port, _ = grpcio_server
    grpcio_client.CASES[case](stubs, channel_to(port))


@pytest.mark.parametrize("case", CASES)
def test_grpcio_client_to_swift_server(case, stubs, swift_server, channel_to):
    grpcio_client.CASES[case](stubs, channel_to(swift_server))


@pytest.mark.parametrize("case", CASES)
def test_swift_client_to_grpcio_server(case, interop_binary, grpcio_server):
    port, service = grpcio_server
    cancelled_before = list(service.cancelled)
    result = subprocess.run(
        [
            str(interop_binary),
            "client",
            "--server_host",
            "127.0.0.1",
            "--server_port",
            str(port),
            "--test_case",
            case,
        ],
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, (
        f"`interop client --test_case {case}` exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    if case in CANCELLED_METHOD:
        # The Swift client's cancellation must reach the server (RST_STREAM), not stay local.
        method = CANCELLED_METHOD[case]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and service.cancelled == cancelled_before:
            time.sleep(0.05)
        new = service.cancelled[len(cancelled_before):]
        assert method in new, f"grpcio server never saw {method} cancelled (saw {new})"
