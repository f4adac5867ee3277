import GRPCCore

extension RPCError {
  /// This error with the current call's request id in its trailers (`x-request-id`), so
  /// every error answer can be traced to its log lines (contacts C72) — unless it already
  /// carries one.
  func carryingRequestID() -> RPCError {
    guard let requestID = CallerContext.current?.requestID, !requestID.isEmpty,
      metadata[stringValues: CallerMetadataKey.requestID].first(where: { _ in true }) == nil
    else { return self }
    var error = self
    error.metadata.addString(requestID, forKey: CallerMetadataKey.requestID)
    return error
  }
}
