import Logging
import Synchronization

/// A swift-log handler keeping every record in memory, to check what the gateway logs (G19).
struct RecordingLogHandler: LogHandler {
  /// One log call: message and metadata rendered as text.
  struct Record: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: [String: String]
    /// Everything the record would print.
    var text: String {
      message + " " + metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
  }

  final class Store: Sendable {
    let records = Mutex<[Record]>([])
    var all: [Record] { records.withLock { $0 } }
  }

  let store: Store
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .trace

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var merged = metadata
    if let extra = event.metadata { merged.merge(extra) { $1 } }
    let record = Record(
      level: event.level, message: "\(event.message)",
      metadata: merged.mapValues { "\($0)" })
    store.records.withLock { $0.append(record) }
  }

  /// A logger at `trace` recording into a new store.
  static func logger() -> (Logger, Store) {
    let store = Store()
    let logger = Logger(label: "gateway-test-recorded") { _ in RecordingLogHandler(store: store) }
    var copy = logger
    copy.logLevel = .trace
    return (copy, store)
  }
}
