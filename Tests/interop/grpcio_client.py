"""grpcio implementations of the interop client cases (our own, per grpc's
doc/interop-test-descriptions.md). Each case takes the generated stubs and a channel and raises
AssertionError when the server does not behave as the description prescribes.
"""

import threading

import grpc

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"
SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
# Streams the cases keep open on purpose are bounded: nothing below waits longer than this.
HOLD_OPEN_SECONDS = 30


def _zeros(stubs, size):
    return stubs.messages.Payload(body=b"\x00" * size)


def _output_request(stubs, response_sizes, payload_size=None, status=None):
    request = stubs.messages.StreamingOutputCallRequest(
        response_parameters=[stubs.messages.ResponseParameters(size=s) for s in response_sizes]
    )
    if payload_size is not None:
        request.payload.CopyFrom(_zeros(stubs, payload_size))
    if status is not None:
        request.response_status.CopyFrom(status)
    return request


def _expect_error(code, call):
    try:
        call()
    except grpc.RpcError as error:
        assert error.code() == code, f"expected {code}, got {error.code()}: {error.details()!r}"
        return error
    raise AssertionError(f"expected {code}, but the RPC succeeded")


class _HeldOpen:
    """A request iterator that yields `requests`, then blocks (without half-closing) until
    released, so that only a cancellation or a deadline can end the RPC."""

    def __init__(self, requests=()):
        self._requests = list(requests)
        self.released = threading.Event()

    def __iter__(self):
        yield from self._requests
        self.released.wait(HOLD_OPEN_SECONDS)


def empty_unary(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    response = stub.EmptyCall(stubs.empty.Empty())
    assert response == stubs.empty.Empty(), f"EmptyCall answered {response!r}"


def large_unary(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    request = stubs.messages.SimpleRequest(response_size=314159, payload=_zeros(stubs, 271828))
    response = stub.UnaryCall(request)
    assert response.payload.body == b"\x00" * 314159, (
        f"expected 314159 zero bytes, got {len(response.payload.body)} bytes"
    )


def client_streaming(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    requests = (
        stubs.messages.StreamingInputCallRequest(payload=_zeros(stubs, size))
        for size in (27182, 8, 1828, 45904)
    )
    response = stub.StreamingInputCall(requests)
    assert response.aggregated_payload_size == 74922, (
        f"expected aggregated_payload_size 74922, got {response.aggregated_payload_size}"
    )


def server_streaming(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    sizes = [31415, 9, 2653, 58979]
    responses = list(stub.StreamingOutputCall(_output_request(stubs, sizes)))
    assert [r.payload.body for r in responses] == [b"\x00" * s for s in sizes], (
        f"expected zero payloads of {sizes}, got {[len(r.payload.body) for r in responses]}"
    )


def ping_pong(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    exchanges = [(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)]
    reply_arrived = threading.Semaphore(0)

    def requests():
        for response_size, payload_size in exchanges:
            yield _output_request(stubs, [response_size], payload_size)
            if not reply_arrived.acquire(timeout=HOLD_OPEN_SECONDS):
                return

    received = []
    for response in stub.FullDuplexCall(requests()):
        received.append(len(response.payload.body))
        assert response.payload.body == b"\x00" * received[-1]
        reply_arrived.release()
    assert received == [e[0] for e in exchanges], f"expected {[e[0] for e in exchanges]}, got {received}"


def empty_stream(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    responses = list(stub.FullDuplexCall(iter(())))
    assert responses == [], f"expected no responses, got {len(responses)}"


def cancel_after_begin(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    requests = _HeldOpen()
    call = stub.StreamingInputCall.future(iter(requests))
    try:
        assert call.cancel(), "the call had already finished before it was cancelled"
        assert call.code() == grpc.StatusCode.CANCELLED, f"expected CANCELLED, got {call.code()}"
    finally:
        requests.released.set()


def cancel_after_first_response(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    requests = _HeldOpen([_output_request(stubs, [31415], 27182)])
    call = stub.FullDuplexCall(iter(requests))
    try:
        first = next(call)
        assert len(first.payload.body) == 31415, f"first response has {len(first.payload.body)} bytes"
        call.cancel()
        error = _expect_error(grpc.StatusCode.CANCELLED, lambda: next(call))
        assert error.code() == grpc.StatusCode.CANCELLED
    finally:
        requests.released.set()


def timeout_on_sleeping_server(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    requests = _HeldOpen([_output_request(stubs, [], 27182)])
    try:
        _expect_error(
            grpc.StatusCode.DEADLINE_EXCEEDED,
            lambda: list(stub.FullDuplexCall(iter(requests), timeout=0.001)),
        )
    finally:
        requests.released.set()


def custom_metadata(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    metadata = ((ECHO_INITIAL, "test_initial_metadata_value"), (ECHO_TRAILING, b"\xab\xab\xab"))

    def check(rpc, initial, trailing):
        initial_values = [v for k, v in initial if k == ECHO_INITIAL]
        trailing_values = [v for k, v in trailing if k == ECHO_TRAILING]
        assert initial_values == ["test_initial_metadata_value"], f"{rpc}: initial {initial_values!r}"
        assert trailing_values == [b"\xab\xab\xab"], f"{rpc}: trailing {trailing_values!r}"

    request = stubs.messages.SimpleRequest(response_size=314159, payload=_zeros(stubs, 271828))
    response, call = stub.UnaryCall.with_call(request, metadata=metadata)
    assert len(response.payload.body) == 314159
    check("UnaryCall", call.initial_metadata(), call.trailing_metadata())

    call = stub.FullDuplexCall(iter([_output_request(stubs, [314159], 271828)]), metadata=metadata)
    sizes = [len(r.payload.body) for r in call]
    assert sizes == [314159], f"FullDuplexCall: expected one 314159-byte response, got {sizes}"
    check("FullDuplexCall", call.initial_metadata(), call.trailing_metadata())


def _echo_status(stubs, channel, message, via_full_duplex):
    stub = stubs.test_grpc.TestServiceStub(channel)
    status = stubs.messages.EchoStatus(code=2, message=message)
    error = _expect_error(
        grpc.StatusCode.UNKNOWN,
        lambda: stub.UnaryCall(stubs.messages.SimpleRequest(response_status=status)),
    )
    assert error.details() == message, f"UnaryCall: expected {message!r}, got {error.details()!r}"
    if via_full_duplex:
        error = _expect_error(
            grpc.StatusCode.UNKNOWN,
            lambda: list(stub.FullDuplexCall(iter([_output_request(stubs, [], status=status)]))),
        )
        assert error.details() == message, (
            f"FullDuplexCall: expected {message!r}, got {error.details()!r}"
        )


def status_code_and_message(stubs, channel):
    _echo_status(stubs, channel, "test status message", via_full_duplex=True)


def special_status_message(stubs, channel):
    _echo_status(stubs, channel, SPECIAL_MESSAGE, via_full_duplex=False)


def unimplemented_method(stubs, channel):
    stub = stubs.test_grpc.TestServiceStub(channel)
    _expect_error(grpc.StatusCode.UNIMPLEMENTED, lambda: stub.UnimplementedCall(stubs.empty.Empty()))


def unimplemented_service(stubs, channel):
    stub = stubs.test_grpc.UnimplementedServiceStub(channel)
    _expect_error(grpc.StatusCode.UNIMPLEMENTED, lambda: stub.UnimplementedCall(stubs.empty.Empty()))


CASES = {
    case.__name__: case
    for case in (
        empty_unary,
        large_unary,
        client_streaming,
        server_streaming,
        ping_pong,
        empty_stream,
        cancel_after_begin,
        cancel_after_first_response,
        timeout_on_sleeping_server,
        custom_metadata,
        status_code_and_message,
        special_status_message,
        unimplemented_method,
        unimplemented_service,
    )
}
