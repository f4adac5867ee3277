/// The cause of the UNAVAILABLE error of a call the server cannot have processed: its stream
/// was never opened (the connection was closing or gone), or the server refused it with
/// REFUSED_STREAM (itself, or by a GOAWAY whose last stream id is below the stream's). Such a
/// call may be sent again (gRPC's transparent retry).
struct StreamNeverProcessed: Error, CustomStringConvertible {
  var description: String { "the server did not process the call" }
}
