import GRPCCore
import GRPCNGHTTP2Transport
import GRPCProtobuf
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Synchronization
import Testing

/// The platform's event mechanism end to end: outbox in the producer's schema, the
/// Subscribe stream over the real nghttp2 transport, the consumer's cursor in its own schema.
@Suite("Events: outbox, Subscribe, consumer")
struct EventsTests {
  static let subscribe = MethodDescriptor(
    fullyQualifiedService: "maac.test.v1.TestEvents", method: "Subscribe")

  static func event(_ text: String, organization: Int64 = 1) -> OutboundEvent {
    OutboundEvent(
      eventType: "test.happened", organizationID: organization,
      payload: Google_Protobuf_StringValue(text), requestID: "req-\(text)")
  }

  static func process(_ database: ServiceDatabase, name: String = "producer") -> ServiceProcess {
    ServiceProcess(
      name: name,
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, logLevel: .error))
  }

  @Test(
    "an event exists exactly when its transaction commits; sequences are gap-free in commit order")
  func outboxIsTransactional() async throws {
    try await TestDatabase.withServiceDatabase("outbox") { database in
      // A connection for each of the 16 concurrent transactions: under a loaded parallel run,
      // queueing behind the outbox counter lock must not turn into a pool timeout.
      let process = ServiceProcess(
        name: "producer",
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 17,
          logLevel: .error))
      let pool = try await process.openDatabase(migrations: [])
      let outbox = process.outbox
      struct Abort: Error {}
      await #expect(throws: Abort.self) {
        try await pool.withTransaction { connection in
          try await outbox.append(Self.event("rolled back"), on: connection)
          throw Abort()
        }
      }
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<16 {
          group.addTask {
            _ = try await pool.withTransaction { connection in
              try await outbox.append(
                [Self.event("a\(index)"), Self.event("b\(index)")], on: connection)
            }
          }
        }
        try await group.waitForAll()
      }
      let events = try await outbox.events(
        after: 0, organizationID: nil, eventTypes: [], limit: 1000, pool: pool)
      #expect(events.map(\.sequence) == Array(1...32))
      let texts = try events.map { try Google_Protobuf_StringValue(unpackingAny: $0.payload).value }
      #expect(!texts.contains("rolled back"))
      // The two events of one transaction are adjacent: sequences follow commit order.
      for pair in stride(from: 0, to: texts.count, by: 2) {
        #expect(texts[pair].dropFirst() == texts[pair + 1].dropFirst())
      }
      #expect(events.allSatisfy { $0.producer == "producer" && $0.eventType == "test.happened" })
      await pool.shutdown()
    }
  }

  @Test(
    "Subscribe streams the backlog, then new events as they commit (woken by NOTIFY alone), filtered by organization",
    .timeLimit(.minutes(1)))
  func subscribeStreamsBacklogThenLive() async throws {
    try await TestDatabase.withServiceDatabase("stream") { database in
      // Polling is effectively off: the live event can only arrive through LISTEN/NOTIFY.
      let process = ServiceProcess(
        name: "producer",
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, logLevel: .error),
        outboxPollInterval: .seconds(3600))
      let pool = try await process.openDatabase(migrations: [])
      try await pool.withTransaction { connection in
        try await process.outbox.append(
          [Self.event("1"), Self.event("other org", organization: 2), Self.event("2")],
          on: connection)
      }
      let service = try await RunningService.start(
        process, services: [process.eventStream(method: Self.subscribe, pool: pool)],
        tenancy: .organizationScoped(callerOnly: [Self.subscribe.service.fullyQualifiedService]))
      let received = try await withTestClient(to: service.address) { client in
        var request = Maac_Common_V1_SubscribeRequest()
        request.afterSequence = 0
        return try await client.serverStreaming(
          request: ClientRequest(message: request, metadata: CallerContext.tenant(1).metadata),
          descriptor: Self.subscribe,
          serializer: ProtobufSerializer<Maac_Common_V1_SubscribeRequest>(),
          deserializer: ProtobufDeserializer<Maac_Common_V1_EventEnvelope>(),
          options: .defaults
        ) { response in
          var texts: [String] = []
          for try await envelope in response.messages {
            texts.append(try Google_Protobuf_StringValue(unpackingAny: envelope.payload).value)
            if texts.count == 2 {
              // Caught up: the next event arrives only because it commits now.
              try await pool.withTransaction { connection in
                try await process.outbox.append(Self.event("3"), on: connection)
              }
            }
            if texts.count == 3 { break }
          }
          return texts
        }
      }
      #expect(received == ["1", "2", "3"])
      await service.stop()
    }
  }

  @Test("Subscribe refuses a negative resume point naming the field")
  func subscribeValidates() async throws {
    try await TestDatabase.withServiceDatabase("badsub") { database in
      let process = Self.process(database)
      let pool = try await process.openDatabase(migrations: [])
      let service = try await RunningService.start(
        process, services: [process.eventStream(method: Self.subscribe, pool: pool)],
        tenancy: .organizationScoped(callerOnly: [Self.subscribe.service.fullyQualifiedService]))
      try await withTestClient(to: service.address) { client in
        var request = Maac_Common_V1_SubscribeRequest()
        request.afterSequence = -1
        await #expect {
          try await client.serverStreaming(
            request: ClientRequest(message: request, metadata: CallerContext.tenant(1).metadata),
            descriptor: Self.subscribe,
            serializer: ProtobufSerializer<Maac_Common_V1_SubscribeRequest>(),
            deserializer: ProtobufDeserializer<Maac_Common_V1_EventEnvelope>(),
            options: .defaults
          ) { response in
            for try await _ in response.messages {}
          }
        } throws: { error in
          let error = error as? RPCError
          return error?.code == .invalidArgument
            && error?.message.contains("after_sequence") == true
        }
        // Without caller metadata the stream is refused outright.
        await #expect {
          try await client.serverStreaming(
            request: ClientRequest(message: Maac_Common_V1_SubscribeRequest()),
            descriptor: Self.subscribe,
            serializer: ProtobufSerializer<Maac_Common_V1_SubscribeRequest>(),
            deserializer: ProtobufDeserializer<Maac_Common_V1_EventEnvelope>(),
            options: .defaults
          ) { response in
            for try await _ in response.messages {}
          }
        } throws: { error in
          (error as? RPCError)?.code == .unauthenticated
        }
      }
      await service.stop()
    }
  }

  @Test("killing the producer and the consumer mid-stream loses nothing and applies nothing twice")
  func consumerSurvivesRestartsOfEitherSide() async throws {
    try await TestDatabase.withServiceDatabase("prod") { producerDatabase in
      try await TestDatabase.withServiceDatabase("cons") { consumerDatabase in
        let total = 300
        let producer = Self.process(producerDatabase)
        let producerPool = try await producer.openDatabase(migrations: [])
        let consumerProcess = Self.process(consumerDatabase, name: "consumer")
        let consumerPool = try await consumerProcess.openDatabase(migrations: [
          PostgresMigration(
            version: 10, name: "applied",
            sql: "CREATE TABLE applied (sequence bigint NOT NULL, text text NOT NULL)")
        ])
        let tenancy = TenancyPolicy.organizationScoped(callerOnly: [
          Self.subscribe.service.fullyQualifiedService
        ])
        var service = try await RunningService.start(
          producer, services: [producer.eventStream(method: Self.subscribe, pool: producerPool)],
          tenancy: tenancy)

        // Produce in the background, on a pool of its own, while both sides are killed and
        // restarted (a process shuts its pool down when it stops).
        let writerPool = try producerDatabase.pool()
        let producing = Task {
          for index in 0..<total {
            try await writerPool.withTransaction { connection in
              try await producer.outbox.append(Self.event("e\(index)"), on: connection)
            }
            if index % 50 == 0 { try await Task.sleep(for: .milliseconds(20)) }
          }
        }

        func startConsumer(port: Int) -> Task<Void, any Error> {
          Task {
            let target = NGHTTP2ClientTransport.Target.ipv4(host: "127.0.0.1", port: port)
            try await withGRPCClient(transport: NGHTTP2ClientTransport(target: target)) { client in
              let consumer = EventConsumer(
                consumer: "consumer", producer: "producer", method: Self.subscribe, client: client,
                pool: consumerPool, logger: .init(label: "test"), maxBackoff: .milliseconds(200)
              ) { event, connection in
                let text = try Google_Protobuf_StringValue(unpackingAny: event.payload).value
                try await connection.execute(
                  "INSERT INTO applied (sequence, text) VALUES (\(event.sequence), \(text))")
              }
              await consumer.run()
            }
          }
        }
        func appliedCount() async throws -> Int {
          try await consumerPool.query("SELECT count(*) AS n FROM applied")[0].decode(
            "n", as: Int.self)
        }
        func waitUntilApplied(atLeast count: Int) async throws {
          for _ in 0..<600 where try await appliedCount() < count {
            try await Task.sleep(for: .milliseconds(50))
          }
        }

        var consuming = startConsumer(port: service.address.port)
        try await waitUntilApplied(atLeast: 40)
        // Kill the producer mid-stream; while it is down the consumer keeps retrying.
        await service.stop()
        try await Task.sleep(for: .milliseconds(300))
        let restartedProducer = Self.process(producerDatabase)
        let restartedPool = try await restartedProducer.openDatabase(migrations: [])
        service = try await RunningService.start(
          restartedProducer,
          services: [restartedProducer.eventStream(method: Self.subscribe, pool: restartedPool)],
          tenancy: tenancy)
        // The restarted producer listens elsewhere: kill the consumer too and start a new one
        // there, from its stored cursor.
        consuming.cancel()
        _ = try? await consuming.value
        consuming = startConsumer(port: service.address.port)
        try await waitUntilApplied(atLeast: 150)
        // Kill the consumer mid-stream again, then start a new one from its stored cursor.
        consuming.cancel()
        _ = try? await consuming.value
        consuming = startConsumer(port: service.address.port)

        try await producing.value
        try await waitUntilApplied(atLeast: total)
        try await Task.sleep(for: .milliseconds(300))
        consuming.cancel()
        _ = try? await consuming.value

        let rows = try await consumerPool.query(
          "SELECT count(*) AS n, count(DISTINCT sequence) AS distinct_n, min(sequence) AS lo, max(sequence) AS hi FROM applied"
        )
        #expect(try rows[0].decode("n", as: Int.self) == total, "every event applied exactly once")
        #expect(try rows[0].decode("distinct_n", as: Int.self) == total)
        #expect(try rows[0].decode("lo", as: Int64.self) == 1)
        #expect(try rows[0].decode("hi", as: Int64.self) == Int64(total))
        let cursor = try await EventCursorStore(consumer: "consumer").lastSequence(
          from: "producer", pool: consumerPool)
        #expect(cursor == Int64(total))
        await service.stop()
        await writerPool.shutdown()
        await consumerPool.shutdown()
      }
    }
  }
}
