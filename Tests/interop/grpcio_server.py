"""A grpcio implementation of grpc.testing.TestService (our own, per grpc's
doc/interop-test-descriptions.md, "Server" section), used as the real peer of the Swift client.

UnimplementedCall is not registered at all, so grpcio's own "unknown method" path answers it.
"""

import threading
import time
from concurrent import futures

import grpc

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"
STATUS_BY_CODE = {status.value[0]: status for status in grpc.StatusCode}


class TestService:
    """The handlers; also records which streaming RPCs saw the client cancel."""

    def __init__(self, stubs):
        self.stubs = stubs
        self._lock = threading.Lock()
        self.started = []  # method names of the streaming RPCs whose handler ran
        self.cancelled = []  # method names whose RPC the client cancelled

    # --- helpers --------------------------------------------------------------------------

    def _payload(self, size):
        return self.stubs.messages.Payload(body=b"\x00" * size)

    def _echo_metadata(self, context):
        received = context.invocation_metadata()
        initial = tuple((k, v) for k, v in received if k == ECHO_INITIAL)
        trailing = tuple((k, v) for k, v in received if k == ECHO_TRAILING)
        if initial:
            context.send_initial_metadata(initial)
        if trailing:
            context.set_trailing_metadata(trailing)

    def _abort_if_asked(self, request, context):
        if request.HasField("response_status") and request.response_status.code != 0:
            code = STATUS_BY_CODE.get(request.response_status.code, grpc.StatusCode.UNKNOWN)
            context.abort(code, request.response_status.message)

    def _responses(self, request, context):
        self._abort_if_asked(request, context)
        for parameters in request.response_parameters:
            if parameters.interval_us > 0:
                time.sleep(parameters.interval_us / 1_000_000)
            yield self.stubs.messages.StreamingOutputCallResponse(
                payload=self._payload(parameters.size)
            )

    def _record_start(self, method, context):
        """Records `method` in `started`, and in `cancelled` once the RPC has ended if the
        client cancelled it (RST_STREAM or a dropped connection) before its deadline.

        Whether grpcio ended the RPC because of the client is only in its private call state
        (`_state.client == "cancelled"`, set from the core's RECV_CLOSE_ON_SERVER op): what
        the handler sees races with the connection closing (after a RST_STREAM the request
        iterator may simply end as if the client had half-closed)."""
        state = getattr(context, "_state", None)
        if state is None or not hasattr(state, "client"):
            raise RuntimeError("this grpcio version has no ServicerContext._state.client")
        with self._lock:
            self.started.append(method)

        def on_termination():
            if state.client == "cancelled" and context.time_remaining() > 0:
                with self._lock:
                    self.cancelled.append(method)

        context.add_callback(on_termination)

    # --- handlers -------------------------------------------------------------------------

    def empty_call(self, request, context):
        self._echo_metadata(context)
        return self.stubs.empty.Empty()

    def unary_call(self, request, context):
        self._echo_metadata(context)
        self._abort_if_asked(request, context)
        return self.stubs.messages.SimpleResponse(payload=self._payload(request.response_size))

    def streaming_output_call(self, request, context):
        self._echo_metadata(context)
        yield from self._responses(request, context)

    def streaming_input_call(self, request_iterator, context):
        self._echo_metadata(context)
        total = 0
        self._record_start("StreamingInputCall", context)
        for request in request_iterator:
            total += len(request.payload.body)
        return self.stubs.messages.StreamingInputCallResponse(aggregated_payload_size=total)

    def full_duplex_call(self, request_iterator, context):
        self._echo_metadata(context)
        self._record_start("FullDuplexCall", context)
        for request in request_iterator:
            yield from self._responses(request, context)

    def half_duplex_call(self, request_iterator, context):
        self._echo_metadata(context)
        self._record_start("HalfDuplexCall", context)
        buffered = list(request_iterator)
        for request in buffered:
            yield from self._responses(request, context)

    def generic_handler(self):
        m = self.stubs.messages
        e = self.stubs.empty
        return grpc.method_handlers_generic_handler(
            "grpc.testing.TestService",
            {
                "EmptyCall": grpc.unary_unary_rpc_method_handler(
                    self.empty_call, e.Empty.FromString, e.Empty.SerializeToString
                ),
                "UnaryCall": grpc.unary_unary_rpc_method_handler(
                    self.unary_call,
                    m.SimpleRequest.FromString,
                    m.SimpleResponse.SerializeToString,
                ),
                "StreamingOutputCall": grpc.unary_stream_rpc_method_handler(
                    self.streaming_output_call,
                    m.StreamingOutputCallRequest.FromString,
                    m.StreamingOutputCallResponse.SerializeToString,
                ),
                "StreamingInputCall": grpc.stream_unary_rpc_method_handler(
                    self.streaming_input_call,
                    m.StreamingInputCallRequest.FromString,
                    m.StreamingInputCallResponse.SerializeToString,
                ),
                "FullDuplexCall": grpc.stream_stream_rpc_method_handler(
                    self.full_duplex_call,
                    m.StreamingOutputCallRequest.FromString,
                    m.StreamingOutputCallResponse.SerializeToString,
                ),
                "HalfDuplexCall": grpc.stream_stream_rpc_method_handler(
                    self.half_duplex_call,
                    m.StreamingOutputCallRequest.FromString,
                    m.StreamingOutputCallResponse.SerializeToString,
                ),
            },
        )


def start(stubs, host="127.0.0.1"):
    """Starts a grpcio server on a free port of `host`; returns (server, port, service)."""
    service = TestService(stubs)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((service.generic_handler(),))
    port = server.add_insecure_port(f"{host}:0")
    if port == 0:
        raise RuntimeError(f"grpcio could not bind {host}:0")
    server.start()
    return server, port, service
