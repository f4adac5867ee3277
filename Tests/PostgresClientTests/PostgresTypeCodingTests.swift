import Foundation
import MAACTestSupport
import PostgresClient
import Testing

@Suite("Type encoding and decoding against a real server")
struct PostgresTypeCodingTests {
  @Test("decodes values the server produced from SQL literals")
  func decodesServerLiterals() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    defer { Task { await pool.shutdown() } }
    let rows = try await pool.query(
      """
      SELECT 7::int2 AS small, -70000::int4 AS medium, 9000000000::int8 AS big,
             2.5::float8 AS real, 12345678901234567890.0123456789::numeric AS money,
             -0.000123::numeric AS tiny, 0::numeric AS zero, true AS yes,
             'héllo'::text AS greeting, 'abc'::varchar(5) AS short, '\\xdeadbeef'::bytea AS blob,
             'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id, DATE '2024-02-29' AS leap,
             TIMESTAMPTZ '2024-01-02 03:04:05.123456+00' AS at,
             '{"b": [1, 2], "a": "x"}'::jsonb AS doc, ARRAY['x', 'y,z', '"q"']::text[] AS tags,
             ARRAY[1, -2, 3000000000]::int8[] AS numbers, '{}'::text[] AS empty,
             NULL::int8 AS missing
      """)
    let row = try #require(rows.first)
    #expect(try row.decode("small", as: Int16.self) == 7)
    #expect(try row.decode("small", as: Int64.self) == 7)
    #expect(try row.decode("medium", as: Int32.self) == -70000)
    #expect(try row.decode("big", as: Int64.self) == 9_000_000_000)
    #expect(try row.decode("real", as: Double.self) == 2.5)
    #expect(
      try row.decode("money", as: Decimal.self)
        == Decimal(string: "12345678901234567890.0123456789"))
    #expect(try row.decode("tiny", as: Decimal.self) == Decimal(string: "-0.000123"))
    #expect(try row.decode("zero", as: Decimal.self) == 0)
    #expect(try row.decode("yes", as: Bool.self))
    #expect(try row.decode("greeting", as: String.self) == "héllo")
    #expect(try row.decode("short", as: String.self) == "abc")
    #expect(try row.decode("blob", as: Data.self) == Data([0xDE, 0xAD, 0xBE, 0xEF]))
    #expect(
      try row.decode("id", as: UUID.self)
        == UUID(uuidString: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))
    #expect(
      try row.decode("leap", as: PostgresDate.self) == PostgresDate(year: 2024, month: 2, day: 29))
    let at = try row.decode("at", as: Date.self)
    #expect(abs(at.timeIntervalSince1970 - 1_704_164_645.123456) < 0.000001)
    let document = try row.decode("doc", as: PostgresJSON.self)
    struct Doc: Decodable, Equatable {
      var a: String
      var b: [Int]
    }
    #expect(try document.decode(Doc.self) == Doc(a: "x", b: [1, 2]))
    #expect(try row.decode("tags", as: [String].self) == ["x", "y,z", "\"q\""])
    #expect(try row.decode("numbers", as: [Int64].self) == [1, -2, 3_000_000_000])
    #expect(try row.decode("empty", as: [String].self) == [])
    #expect(try row.decode("missing", as: Int64?.self) == nil)
    #expect(try row.decode("big", as: Int64?.self) == 9_000_000_000)
  }

  @Test("encodes bound parameters the server reads as the same values")
  func encodesParameters() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    defer { Task { await pool.shutdown() } }
    let id = UUID()
    let at = Date(timeIntervalSince1970: 1_704_164_645.123456)
    let money = Decimal(string: "-98765432109876.000120")!
    let rows = try await pool.query(
      """
      SELECT \(Int16(-3)) = -3::int2 AS small, \(Int32(123456)) = 123456 AS medium,
             \(Int64.min) = (-9223372036854775808)::int8 AS big, \(2.75) = 2.75::float8 AS real,
             \(money) = '-98765432109876.000120'::numeric AS money,
             \(Decimal(0)) = 0::numeric AS zero, \(Decimal(string: "10000")!) = 10000 AS round,
             \(false) = false AS no, \("it's \"quoted\"") = 'it''s "quoted"' AS text,
             \(Data([0, 1, 255])) = '\\x0001ff'::bytea AS blob,
             \(id)::text = \(id.uuidString.lowercased()) AS id,
             \(PostgresDate(year: 1999, month: 12, day: 31)!) = DATE '1999-12-31' AS day,
             \(at) = TIMESTAMPTZ '2024-01-02 03:04:05.123456+00' AS at,
             \(PostgresJSON("{\"k\": [true, null]}")) = '{"k":[true,null]}'::jsonb AS doc,
             \(["a", "b c", ""]) = ARRAY['a', 'b c', '']::text[] AS tags,
             \([Int64(5), -6]) = ARRAY[5, -6]::int8[] AS numbers,
             \([String]()) = '{}'::text[] AS empty
      """)
    let row = try #require(rows.first)
    for column in row.columns {
      #expect(try row.decode(column.name, as: Bool.self), "column \(column.name)")
    }
  }

  @Test("values round-trip through the server unchanged")
  func roundTrips() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    defer { Task { await pool.shutdown() } }
    for text in ["0", "1", "-1", "0.5", "123456789.987654321", "-0.0001", "99999999", "1e-20"] {
      let value = Decimal(string: text)!
      let rows = try await pool.query("SELECT \(value) AS v")
      #expect(try rows[0].decode("v", as: Decimal.self) == value, "numeric \(text)")
    }
    let date = PostgresDate(year: 1900, month: 3, day: 1)!
    let rows = try await pool.query("SELECT \(date) AS d, \(Date.distantFuture) AS far")
    #expect(try rows[0].decode("d", as: PostgresDate.self) == date)
    #expect(try rows[0].decode("d", as: PostgresDate.self).description == "1900-03-01")
  }

  @Test("NULL travels as nil, and decoding NULL as non-optional names the column")
  func nulls() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    defer { Task { await pool.shutdown() } }
    let nothing: String? = nil
    let typed = try await pool.query(
      "SELECT $1::text AS nickname, $2::int8 AS age", [nothing, nil])
    #expect(try typed[0].decode("nickname", as: String?.self) == nil)
    #expect(try typed[0].isNull("age"))
    do {
      _ = try typed[0].decode("age", as: Int64.self)
      Issue.record("decoded NULL as Int64")
    } catch {
      #expect(error.column == "age")
      #expect(error.description.contains("NULL"))
    }
  }

  @Test("a type mismatch names the column, its type and the Swift type")
  func mismatch() async throws {
    let pool = try TestDatabase.adminPool(maxConnections: 1)
    defer { Task { await pool.shutdown() } }
    let rows = try await pool.query("SELECT 'forty'::text AS age, 70000::int4 AS big")
    do {
      _ = try rows[0].decode("age", as: Int64.self)
      Issue.record("decoded text as Int64")
    } catch {
      #expect(error.column == "age")
      #expect(error.columnType == .text)
      #expect(error.description.contains("\"age\" of type text as Int64"))
    }
    #expect(throws: PostgresDecodingError.self) { try rows[0].decode("big", as: Int16.self) }
    #expect(throws: PostgresDecodingError.self) { try rows[0].decode("nope", as: Int16.self) }
  }

  @Test("parameters are bound, never spliced into SQL")
  func parametersAreBound() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await pool.execute("CREATE TABLE \(identifier: schema).notes (body text NOT NULL)")
      let hostile = "x'); DROP TABLE \(schema).notes; --"
      try await pool.execute("INSERT INTO \(identifier: schema).notes (body) VALUES (\(hostile))")
      let rows = try await pool.query("SELECT body FROM \(identifier: schema).notes")
      #expect(try rows.map { try $0.decode("body", as: String.self) } == [hostile])
    }
  }
}
