import ArgumentParser
import Foundation
import PostgresClient
import ServiceKit

/// Lists a service's dead-lettered events, and asks its consumers to apply them again.
struct DeadLetters: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dead-letters",
    abstract: "A service's dead-lettered events (event_dead_letters): list them, or replay them.",
    subcommands: [List.self, Replay.self]
  )

  /// Where the service's schema is.
  struct Database: ParsableArguments {
    @Option(help: "The service's own connection URL (as `provision-database` prints it).")
    var databaseURL: String

    func withPool<T>(_ body: (PostgresPool) async throws -> T) async throws -> T {
      try await PostgresPool.withPool(
        configuration: try PostgresConfiguration(url: databaseURL), body)
    }
  }

  /// One line per letter, tab-separated, with a header.
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print every dead letter.")

    @OptionGroup var database: Database

    func run() async throws {
      let letters = try await database.withPool { try await DeadLetterStore.allLetters(pool: $0) }
      print("consumer\tproducer\tsequence\tevent_type\torganization_id\tattempts\treplay\terror")
      for letter in letters {
        let error = letter.error.replacingOccurrences(of: "\n", with: " ")
        print(
          "\(letter.consumer)\t\(letter.producer)\t\(letter.sequence)\t\(letter.eventType)\t"
            + "\(letter.organizationID)\t\(letter.attempts)\t"
            + "\(letter.replayRequested ? "requested" : "-")\t\(error)")
      }
    }
  }

  /// Marks letters for the running consumer to apply again.
  struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Ask the running consumer to apply dead letters again (all of a producer's, or the given sequences)."
    )

    @OptionGroup var database: Database

    @Option(help: "The consuming service's consumer name (the `consumer` column of `list`).")
    var consumer: String

    @Option(help: "The producing context (the `producer` column of `list`).")
    var producer: String

    @Option(
      name: .customLong("sequence"),
      help: "A letter's sequence; repeat for several. All when omitted.")
    var sequences: [Int64] = []

    func run() async throws {
      let store = DeadLetterStore(consumer: consumer)
      let marked = try await database.withPool {
        try await store.requestReplay(
          from: producer, sequences: sequences.isEmpty ? nil : sequences, pool: $0)
      }
      guard marked > 0 else {
        throw ValidationError(
          "no dead letter of consumer \(consumer) from \(producer)"
            + (sequences.isEmpty
              ? "" : " with sequence \(sequences.map(String.init).joined(separator: ", "))"))
      }
      print(
        "\(marked) dead letter(s) marked for replay; the running \(consumer) applies them within a second"
      )
    }
  }
}
