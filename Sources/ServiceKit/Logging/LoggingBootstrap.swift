import Logging
import Synchronization

/// Sets up swift-log once per process: key=value lines on standard error at the configured
/// level, so that every line of a call can be found by its `request_id`.
public enum LoggingBootstrap {
  private static let done = Mutex(false)

  /// Bootstraps the logging system; later calls do nothing (tests start many services in
  /// one process).
  public static func bootstrap(level: Logger.Level) {
    let first = done.withLock { done in
      defer { done = true }
      return !done
    }
    guard first else { return }
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
  }
}

extension Logger {
  /// This logger with the current call's request id, organization and caller attached.
  public var forCurrentCall: Logger {
    guard let caller = CallerContext.current else { return self }
    var logger = self
    logger[metadataKey: "request_id"] = "\(caller.requestID)"
    logger[metadataKey: "user_id"] = "\(caller.userID)"
    if let organizationID = caller.organizationID {
      logger[metadataKey: "org_id"] = "\(organizationID)"
    }
    return logger
  }
}
