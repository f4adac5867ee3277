import Foundation
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

/// `maac-ops dead-letters` (behind `./maac dead-letters SERVICE ...`), the executable itself
/// against a service schema holding a dead letter.
@Suite("Operator command: dead letters")
struct DeadLetterCommandTests {
  static let ops = LaunchedService.binaryDirectory.appendingPathComponent("maac-ops")

  @Test(
    "list prints each dead letter; replay marks the named ones for the running consumer and names what it could not find"
  )
  func listAndReplay() async throws {
    try await TestDatabase.withServiceDatabase("ops_dl") { database in
      let process = ServiceProcess(
        name: "tags",
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, logLevel: .error))
      let pool = try await process.openDatabase(migrations: [])
      var envelope = Maac_Common_V1_EventEnvelope()
      envelope.sequence = 41
      envelope.eventType = "contact.deleted"
      envelope.organizationID = 7
      let bytes = try envelope.serializedBytes() as Data
      try await pool.withConnection { connection in
        _ = try await connection.execute(
          """
          INSERT INTO event_dead_letters
            (consumer, producer, sequence, event_type, organization_id, envelope, error, attempts)
          VALUES ('tags', 'contacts', 41, 'contact.deleted', 7, \(bytes), 'refused: bad payload', 5)
          """)
      }

      let listed = try await CommandRun(
        Self.ops, arguments: ["dead-letters", "list", "--database-url", database.url], input: Data()
      )
      #expect(listed.status == 0, "\(listed.errors)")
      let lines = listed.output.split(separator: "\n").map(String.init)
      #expect(lines.count == 2)
      #expect(lines.last == "tags\tcontacts\t41\tcontact.deleted\t7\t5\t-\trefused: bad payload")

      let missing = try await CommandRun(
        Self.ops,
        arguments: [
          "dead-letters", "replay", "--consumer", "tags", "--producer", "contacts", "--sequence",
          "40", "--database-url", database.url,
        ], input: Data())
      #expect(missing.status != 0)
      #expect(
        missing.errors.contains("no dead letter of consumer tags from contacts with sequence 40"))

      let replay = try await CommandRun(
        Self.ops,
        arguments: [
          "dead-letters", "replay", "--consumer", "tags", "--producer", "contacts", "--sequence",
          "41", "--database-url", database.url,
        ], input: Data())
      #expect(replay.status == 0, "\(replay.errors)")
      let letters = try await DeadLetterStore(consumer: "tags").letters(
        from: "contacts", pool: pool)
      #expect(letters.map(\.replayRequested) == [true])
      #expect(letters.first?.envelope == envelope)
      await pool.shutdown()
    }
  }
}
