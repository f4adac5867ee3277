import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Synchronization
import Testing

/// A poison event must neither block its consumer's stream nor be lost.
@Suite("Events: dead letters")
struct DeadLetterTests {
  @Test(
    "an event the handler refuses every time is dead-lettered whole after maxAttempts; the stream moves on; a transient failure is retried, never dead-lettered; an operator's replay applies it once fixed, and a refused replay keeps it"
  )
  func poisonEventIsSetAside() async throws {
    try await TestDatabase.withServiceDatabase("dl_prod") { producerDatabase in
      try await TestDatabase.withServiceDatabase("dl_cons") { consumerDatabase in
        let producer = EventsTests.process(producerDatabase)
        let producerPool = try await producer.openDatabase(migrations: [])
        let consumerPool = try await EventsTests.process(consumerDatabase, name: "consumer")
          .openDatabase(migrations: [
            PostgresMigration(
              version: 10, name: "applied",
              sql: "CREATE TABLE applied (sequence bigint NOT NULL, text text NOT NULL)")
          ])
        let tenancy = TenancyPolicy.organizationScoped(
          callerOnly: [EventsTests.subscribe.service.fullyQualifiedService])
        let service = try await RunningService.start(
          producer,
          services: [producer.eventStream(method: EventsTests.subscribe, pool: producerPool)],
          tenancy: tenancy)
        for text in ["a", "poison", "b", "flaky", "c"] {
          try await producerPool.withTransaction { connection in
            try await producer.outbox.append(EventsTests.event(text), on: connection)
          }
        }
        struct Refused: Error, CustomStringConvertible {
          var description: String { "refused: not a valid payload" }
        }
        let poisonAttempts = Mutex(0)
        let healed = Mutex(false)
        let flakyAttempts = Mutex(0)
        let consuming = Task {
          let target = NGHTTP2ClientTransport.Target.ipv4(
            host: "127.0.0.1", port: service.address.port)
          try await withGRPCClient(transport: NGHTTP2ClientTransport(target: target)) { client in
            let consumer = EventConsumer(
              consumer: "consumer", producer: "producer", method: EventsTests.subscribe,
              client: client, pool: consumerPool, logger: .init(label: "test"),
              maxBackoff: .milliseconds(40), maxAttempts: 3, replayInterval: .milliseconds(50)
            ) { event, connection in
              let text = try Google_Protobuf_StringValue(unpackingAny: event.payload).value
              try await connection.execute(
                "INSERT INTO applied (sequence, text) VALUES (\(event.sequence), \(text))")
              if text == "poison", !healed.withLock({ $0 }) {
                poisonAttempts.withLock { $0 += 1 }
                throw Refused()
              }
              // A peer outage: transient, so retried however often it happens.
              if text == "flaky",
                flakyAttempts.withLock({
                  $0 += 1
                  return $0
                }) <= 6
              {
                throw RPCError(code: .unavailable, message: "peer down")
              }
            }
            await consumer.run()
          }
        }
        for _ in 0..<400 {
          let cursor = try await EventCursorStore(consumer: "consumer")
            .lastSequence(from: "producer", pool: consumerPool)
          if cursor == 5 { break }
          try await Task.sleep(for: .milliseconds(25))
        }
        let applied = try await consumerPool.query("SELECT text FROM applied ORDER BY sequence")
          .map { try $0.decode("text", as: String.self) }
        #expect(
          applied == ["a", "b", "flaky", "c"], "the poison event's partial effects rolled back")
        #expect(poisonAttempts.withLock { $0 } == 3)
        #expect(flakyAttempts.withLock { $0 } == 7)
        let letters = try await DeadLetterStore(consumer: "consumer")
          .letters(from: "producer", pool: consumerPool)
        #expect(letters.map(\.sequence) == [2])
        #expect(letters.first?.attempts == 3)
        #expect(letters.first?.error == "refused: not a valid payload")
        #expect(letters.first?.eventType == "test.happened")
        let kept = try letters.first.map {
          try Google_Protobuf_StringValue(unpackingAny: $0.envelope.payload).value
        }
        #expect(kept == "poison")

        // A replay the handler refuses again keeps the letter, one attempt more.
        let store = DeadLetterStore(consumer: "consumer")
        #expect(
          try await store.requestReplay(from: "producer", sequences: [2], pool: consumerPool) == 1)
        var afterRefusal = try await store.letters(from: "producer", pool: consumerPool)
        for _ in 0..<400 where afterRefusal.first?.replayRequested != false {
          try await Task.sleep(for: .milliseconds(25))
          afterRefusal = try await store.letters(from: "producer", pool: consumerPool)
        }
        #expect(afterRefusal.map(\.sequence) == [2])
        #expect(afterRefusal.first?.attempts == 4)
        #expect(poisonAttempts.withLock { $0 } == 4)

        // Once the cause is fixed, a replay applies it and removes the letter.
        healed.withLock { $0 = true }
        #expect(
          try await store.requestReplay(from: "producer", sequences: nil, pool: consumerPool) == 1)
        var remaining = afterRefusal
        for _ in 0..<400 where !remaining.isEmpty {
          try await Task.sleep(for: .milliseconds(25))
          remaining = try await store.letters(from: "producer", pool: consumerPool)
        }
        #expect(remaining.isEmpty)
        let replayed = try await consumerPool.query("SELECT text FROM applied ORDER BY sequence")
          .map { try $0.decode("text", as: String.self) }
        #expect(replayed == ["a", "poison", "b", "flaky", "c"])
        #expect(try await DeadLetterStore.allLetters(pool: consumerPool).isEmpty)
        consuming.cancel()
        _ = try? await consuming.value
        await service.stop()
        await consumerPool.shutdown()
      }
    }
  }
}
