import Foundation
import MAACTestSupport
import PostgresClient
import Testing

@Suite("COPY FROM STDIN")
struct PostgresCopyInTests {
  @Test("binary COPY streams typed rows, NULLs included, in chunks")
  func binaryCopy() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await pool.execute(
        """
        CREATE TABLE \(identifier: schema).people (
          id int8 PRIMARY KEY, name text, score numeric, tags text[], seen timestamptz, ref uuid)
        """)
      let seen = Date(timeIntervalSince1970: 1_700_000_000)
      let ref = UUID()
      let total = 50_000  // several 1 MiB chunks
      let loaded = try await pool.copyIn(
        into: "people", schema: schema, columns: ["id", "name", "score", "tags", "seen", "ref"]
      ) { copy in
        for id in 0..<total {
          let name: String? = id % 10 == 0 ? nil : "person \(id) with a tab\tand\nnewline"
          try await copy.appendRow(
            Int64(id), name, Decimal(id) / 4, ["t\(id % 3)"], seen, ref)
        }
        try await copy.appendRow(values: [Int64(total), nil, nil, nil, nil, nil])
      }
      #expect(loaded == total + 1)
      let summary = try await pool.query(
        """
        SELECT count(*) AS n, count(name) AS named, sum(score) AS score,
               count(*) FILTER (WHERE tags = ARRAY['t1']) AS t1, min(seen) AS seen,
               count(DISTINCT ref) AS refs
        FROM \(identifier: schema).people
        """)[0]
      #expect(try summary.decode("n", as: Int64.self) == Int64(total + 1))
      #expect(try summary.decode("named", as: Int64.self) == Int64(total - total / 10))
      #expect(try summary.decode("score", as: Decimal.self) == Decimal(total * (total - 1) / 2) / 4)
      #expect(try summary.decode("t1", as: Int64.self) == Int64((0..<total).count { $0 % 3 == 1 }))
      #expect(try summary.decode("seen", as: Date.self) == seen)
      #expect(try summary.decode("refs", as: Int64.self) == 1)
      let name = try await pool.query(
        "SELECT name FROM \(identifier: schema).people WHERE id = 7")[0]
      #expect(try name.decode("name", as: String.self) == "person 7 with a tab\tand\nnewline")
    }
  }

  @Test(
    "binary COPY rows encoded in place (appendRow(encoding:)) load exactly what appendRow(values:) loads; a throwing row leaves nothing"
  )
  func encodedRows() async throws {
    try await TestDatabase.withSchema { pool, schema in
      for table in ["typed", "boxed"] {
        try await pool.execute(
          """
          CREATE TABLE \(identifier: schema).\(identifier: table) (
            id int8 PRIMARY KEY, name text, n int4, flag bool, tags text[], ids int8[],
            seen timestamptz, doc jsonb)
          """)
      }
      let seen = Date(timeIntervalSince1970: 1_700_000_000.25)
      let total = 30_000  // several 1 MiB chunks
      func name(_ id: Int) -> String? { id % 7 == 0 ? nil : "name \(id)\t\u{00e9}" }
      try await pool.copyIn(
        into: "typed", schema: schema,
        columns: ["id", "name", "n", "flag", "tags", "ids", "seen", "doc"]
      ) { copy in
        for id in 0..<total {
          try await copy.appendRow { row in
            row.append(Int64(id))
            row.append(name(id))
            row.append(Int32(id % 100))
            row.append(id % 2 == 0)
            row.append(["a\(id % 3)", "b"])
            row.append([Int64(id), -1])
            row.append(id % 5 == 0 ? nil : seen)
            row.appendNull()
          }
          if id == 10 {
            // A row whose encoding fails is dropped whole; the COPY goes on.
            await #expect(throws: ExpectedFailure.self) {
              try await copy.appendRow { row in
                row.append(Int64(-1))
                throw ExpectedFailure()
              }
            }
          }
        }
      }
      try await pool.copyIn(
        into: "boxed", schema: schema,
        columns: ["id", "name", "n", "flag", "tags", "ids", "seen", "doc"]
      ) { copy in
        for id in 0..<total {
          try await copy.appendRow(values: [
            Int64(id), name(id), Int32(id % 100), id % 2 == 0, ["a\(id % 3)", "b"],
            [Int64(id), -1], id % 5 == 0 ? nil : seen, nil,
          ])
        }
      }
      let differences = try await pool.query(
        """
        SELECT count(*) AS n FROM ((TABLE \(identifier: schema).typed EXCEPT ALL TABLE \(identifier: schema).boxed)
          UNION ALL (TABLE \(identifier: schema).boxed EXCEPT ALL TABLE \(identifier: schema).typed)) d
        """)[0]
      #expect(try differences.decode("n", as: Int64.self) == 0)
      let summary = try await pool.query(
        """
        SELECT count(*) AS n, count(name) AS named, count(seen) AS seen, min(id) AS lo,
          count(doc) AS docs
        FROM \(identifier: schema).typed
        """)[0]
      #expect(try summary.decode("n", as: Int64.self) == Int64(total))
      #expect(try summary.decode("named", as: Int64.self) == Int64(total - (total + 6) / 7))
      #expect(try summary.decode("seen", as: Int64.self) == Int64(total - total / 5))
      #expect(try summary.decode("lo", as: Int64.self) == 0)
      #expect(try summary.decode("docs", as: Int64.self) == 0)
      let one = try await pool.query(
        "SELECT name, tags, ids, seen FROM \(identifier: schema).typed WHERE id = 11")[0]
      #expect(try one.decode("name", as: String.self) == "name 11\t\u{00e9}")
      #expect(try one.decode("tags", as: [String].self) == ["a2", "b"])
      #expect(try one.decode("ids", as: [Int64].self) == [11, -1])
      #expect(try one.decode("seen", as: Date.self) == seen)
    }
  }

  @Test("text COPY passes prepared lines through")
  func textCopy() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await pool.execute("CREATE TABLE \(identifier: schema).t (id int4, label text)")
      let loaded = try await pool.copyIn(
        into: "t", schema: schema, columns: ["id", "label"], format: .text
      ) { copy in
        try await copy.write(Array("1\tone\n2\t\\N\n".utf8))
        try await copy.write("3\tthree\n".utf8)
      }
      #expect(loaded == 3)
      let rows = try await pool.query("SELECT label FROM \(identifier: schema).t ORDER BY id")
      #expect(try rows.map { try $0.decode("label", as: String?.self) } == ["one", nil, "three"])
    }
  }

  @Test("a rejected row fails the COPY with the server's SQLSTATE and loads nothing")
  func rejectedRow() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await pool.execute("CREATE TABLE \(identifier: schema).u (id int8 PRIMARY KEY)")
      do {
        try await pool.copyIn(into: "u", schema: schema, columns: ["id"]) { copy in
          try await copy.appendRow(Int64(1))
          try await copy.appendRow(Int64(1))
        }
        Issue.record("duplicate rows were loaded")
      } catch let error as PostgresError {
        #expect(error.sqlState == .uniqueViolation)
      }
      // A body that throws aborts the COPY.
      await #expect(throws: ExpectedFailure.self) {
        try await pool.copyIn(into: "u", schema: schema, columns: ["id"]) { copy in
          try await copy.appendRow(Int64(2))
          throw ExpectedFailure()
        }
      }
      // The pool's connection is usable afterwards, and nothing was loaded.
      let count = try await pool.query("SELECT count(*) AS n FROM \(identifier: schema).u")
      #expect(try count[0].decode("n", as: Int64.self) == 0)
    }
  }

  @Test("a binary value whose type does not match its column fails with 22P03")
  func typeMismatch() async throws {
    try await TestDatabase.withSchema { pool, schema in
      try await pool.execute("CREATE TABLE \(identifier: schema).v (n int4)")
      do {
        try await pool.copyIn(into: "v", schema: schema, columns: ["n"]) { copy in
          try await copy.appendRow(Int64(1))  // int8 bytes for an int4 column
        }
        Issue.record("mismatched binary data was accepted")
      } catch let error as PostgresError {
        #expect(error.sqlState == .invalidBinaryRepresentation, "\(error)")
      }
    }
  }
}
