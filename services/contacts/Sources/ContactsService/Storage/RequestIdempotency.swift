import ContactsDomain
import Foundation
import PostgresClient
import ServiceKit
import SwiftProtobuf

/// Idempotent mutations by `request_id` (§4.1): the first call with a request id runs and
/// its answer is kept for 24 h; a repeat with the same request answers that first answer
/// without applying anything again; a repeat with a different request is ALREADY_EXISTS
/// `IDEMPOTENCY_KEY_REUSED` (§7.1).
struct RequestIdempotency: Sendable {
  let pool: PostgresPool

  /// Longest accepted request id.
  static let maxLength = 128

  /// Runs `body` once per (organization, method, request id), in one transaction with the
  /// record of its answer: the change and its answer commit together or not at all. `body`
  /// must write on the connection it is given (and read what it needs before), so a call
  /// holds one connection. Concurrent repeats wait for the advisory lock of the key and then
  /// read the first answer. A failing `body` records nothing, so the caller may retry with
  /// the same id. Without a request id `body` just runs in a transaction.
  func run<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
    method: String, requestID rawID: String, request: Request, organizationID: Int64,
    resultID: (Response) -> Int64, _ body: (PostgresConnection) async throws -> Response
  ) async throws -> Response {
    let requestID = rawID.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !requestID.isEmpty else {
      return try await pool.withTransaction { connection in try await body(connection) }
    }
    guard requestID.count <= Self.maxLength else {
      throw ServiceErrors.invalid(
        .fieldTooLong, field: "request_id",
        "request_id must be at most \(Self.maxLength) characters")
    }
    let hash = Self.fingerprint(request)
    let key = "contacts:\(organizationID):\(method):\(requestID)"
    // A repeat racing the first call waits *outside* the pool (try-lock, pause, retry), so
    // waiting repeats never hold the connections the first call needs.
    for attempt in 0..<Self.lockAttempts {
      if attempt > 0 { try await Task.sleep(for: .milliseconds(20)) }
      let answer: Response? = try await pool.withTransaction { connection in
        let locked = try await connection.query(
          "SELECT pg_try_advisory_xact_lock(hashtextextended(\(key), 0)) AS locked")
        guard try locked[0].decode("locked", as: Bool.self) else { return nil }
        let rows = try await connection.query(
          """
          SELECT request_hash, response FROM request_idempotency
          WHERE organization_id = \(organizationID) AND method = \(method) AND request_id = \(requestID)
            AND created_at > now() - interval '24 hours'
          """)
        if let row = rows.first {
          guard try row.decode("request_hash", as: Int64.self) == hash else {
            throw ServiceErrors.make(
              .alreadyExists, "IDEMPOTENCY_KEY_REUSED",
              "request_id \(requestID) was already used for a different \(method) request",
              field: "request_id")
          }
          if let bytes = try row.decode("response", as: Data?.self) {
            return try Response(serializedBytes: bytes)
          }
        }
        let response = try await body(connection)
        let bytes: Data = try response.serializedBytes()
        _ = try await connection.execute(
          """
          INSERT INTO request_idempotency
            (organization_id, method, request_id, request_hash, result_id, response)
          VALUES (\(organizationID), \(method), \(requestID), \(hash), \(resultID(response)), \(bytes))
          ON CONFLICT (organization_id, method, request_id) DO UPDATE
            SET request_hash = excluded.request_hash, result_id = excluded.result_id,
                response = excluded.response, created_at = now()
          """)
        return response
      }
      if let answer { return answer }
    }
    throw ServiceError(
      .aborted, "request_id \(requestID) is still being processed by an earlier call; retry")
  }

  /// Tries for the key's lock (20 ms apart, about 30 s in all) before answering ABORTED.
  static let lockAttempts = 1500

  /// FNV-1a over the deterministic encoding: equal requests, equal fingerprints.
  static func fingerprint(_ message: some SwiftProtobuf.Message) -> Int64 {
    var options = BinaryEncodingOptions()
    options.useDeterministicOrdering = true
    let bytes: [UInt8] = (try? message.serializedBytes(options: options)) ?? []
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    return Int64(bitPattern: hash)
  }
}
