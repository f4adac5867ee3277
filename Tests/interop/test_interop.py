"""The gRPC interoperability cases run both ways against grpcio:

* grpcio client (grpcio_client.py) -> Swift `interop server`
* Swift `interop client` -> grpcio server (grpcio_server.py)

plus grpcio client -> grpcio server, which proves the Python side itself follows the case
descriptions, so a failure in the other two directions points at the Swift side.
"""

import subprocess
import time
from concurrent import futures

import grpc
import grpcio_client
import pytest
from conftest import PROCESS_TIMEOUT_SECONDS

CASES = sorted(grpcio_client.CASES)
# The cases where the client cancels, and the RPC whose grpcio handler must see it.
# Cases whose cancellation the grpcio server must also see (beyond what the interop spec asks
# of the client). cancel_after_begin is left out: for a client-streaming call cancelled before
# its first message, grpcio often ends the handler's request iterator as if the client had
# half-closed and never marks the call cancelled (seen in about half the runs on a loaded
# machine, with the RST_STREAM(CANCEL) confirmed on the wire). The transport's own tests
# prove a server handler sees RST_STREAM (Tests/GRPCNGHTTP2TransportTests).
CANCELLED_METHOD = {
    "cancel_after_first_response": "FullDuplexCall",
}


@pytest.mark.parametrize("case", CASES)
def test_grpcio_client_to_grpcio_server(case, stubs, grpcio_server, channel_to):
    port, _ = grpcio_server
    grpcio_client.CASES[case](stubs, channel_to(port))


@pytest.mark.parametrize("case", CASES)
def test_grpcio_client_to_swift_server(case, stubs, swift_server, channel_to):
    grpcio_client.CASES[case](stubs, channel_to(swift_server))


# Whether grpcio's handler records a client cancellation races with the client process
# closing its connection right after the RST_STREAM (see grpcio_server.py); under heavy load
# that race is lost now and then. The client side is checked on every attempt; the server's
# view of the cancellation must be seen in one of this many attempts.
CANCELLATION_ATTEMPTS = 3


@pytest.mark.parametrize("case", CASES)
def test_swift_client_to_grpcio_server(case, interop_binary, grpcio_server):
    port, service = grpcio_server
    attempts = CANCELLATION_ATTEMPTS if case in CANCELLED_METHOD else 1
    for attempt in range(1, attempts + 1):
        started_before, cancelled_before = len(service.started), len(service.cancelled)
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
        if case not in CANCELLED_METHOD:
            return
        try:
            _expect_server_saw_cancellation(case, service, started_before, cancelled_before)
            return
        except AssertionError:
            if attempt == attempts:
                raise


def _expect_server_saw_cancellation(case, service, started_before, cancelled_before):
    """A server handler that ran for a call the Swift client cancelled must see the cancellation
    (RST_STREAM) rather than wait forever. cancel_after_begin may cancel before the HEADERS left
    the client, in which case no handler runs at all, which is also correct."""
    method = CANCELLED_METHOD[case]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        started = service.started[started_before:]
        cancelled = service.cancelled[cancelled_before:]
        if method in cancelled:
            return
        if method not in started and time.monotonic() > deadline - 9:
            break  # a second passed and no handler ever ran
        time.sleep(0.05)
    started = service.started[started_before:]
    if case == "cancel_after_first_response" or method in started:
        raise AssertionError(
            f"the grpcio {method} handler ran (started: {started}) but never saw the "
            f"cancellation (cancelled: {service.cancelled[cancelled_before:]})"
        )


@pytest.fixture(scope="module")
def empty_grpcio_server():
    """A grpcio server that serves no service at all."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port
    server.stop(grace=None)


@pytest.mark.parametrize("case", ["empty_unary", "large_unary", "ping_pong", "custom_metadata"])
def test_swift_client_exits_nonzero_when_case_fails(case, interop_binary, empty_grpcio_server):
    result = subprocess.run(
        [
            str(interop_binary),
            "client",
            "--server_host",
            "127.0.0.1",
            "--server_port",
            str(empty_grpcio_server),
            "--test_case",
            case,
        ],
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_SECONDS,
    )
    assert result.returncode != 0, f"`interop client --test_case {case}` passed against a server without TestService"
    assert f"FAILED {case}" in result.stdout, result.stdout + result.stderr
    assert "unimplemented" in result.stdout, result.stdout


def test_swift_client_rejects_unknown_case(interop_binary):
    result = subprocess.run(
        [str(interop_binary), "client", "--server_port", "1", "--test_case", "no_such_case"],
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_SECONDS,
    )
    assert result.returncode != 0
    assert "no_such_case is not a supported case" in result.stderr, result.stderr
