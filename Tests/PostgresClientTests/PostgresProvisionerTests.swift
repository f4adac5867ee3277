import MAACTestSupport
import PostgresClient
import Testing

@Suite("Roles and schemas")
struct PostgresProvisionerTests {
  @Test(
    "a service role owns its schema, has it as search_path, and cannot read another service's tables (42501)"
  )
  func isolation() async throws {
    let admin = try TestDatabase.adminPool(maxConnections: 2)
    let provisioner = PostgresProvisioner(admin: admin)
    let contacts = TestDatabase.uniqueName("contacts")
    let tags = TestDatabase.uniqueName("tags")
    let contactsPool = PostgresPool(
      configuration: try await provisioner.provisionService(contacts, password: "pw-\(contacts)"),
      maxConnections: 1, logger: TestDatabase.logger)
    let tagsPool = PostgresPool(
      configuration: try await provisioner.provisionService(tags, password: "it's a \"pw\""),
      maxConnections: 1, logger: TestDatabase.logger)

    // Unqualified names go to the service's own schema.
    let current = try await tagsPool.query("SELECT current_schema() AS s, current_user AS u")
    #expect(try current[0].decode("s", as: String.self) == tags)
    #expect(try current[0].decode("u", as: String.self) == tags)
    try await tagsPool.execute("CREATE TABLE tag (name text PRIMARY KEY)")
    try await tagsPool.execute("INSERT INTO tag VALUES (\("vip"))")
    try await contactsPool.execute("CREATE TABLE contact (id int8 PRIMARY KEY)")

    func permissionDenied(_ query: PostgresQuery, on pool: PostgresPool) async throws {
      do {
        _ = try await pool.query(query)
        Issue.record("\(query.sql) was allowed")
      } catch let error as PostgresError {
        #expect(error.sqlState == .insufficientPrivilege, "\(error)")
      }
    }
    try await permissionDenied("SELECT * FROM \(identifier: tags).tag", on: contactsPool)
    try await permissionDenied(
      "CREATE TABLE \(identifier: tags).intruder (id int)", on: contactsPool)
    try await permissionDenied("SELECT * FROM \(identifier: contacts).contact", on: tagsPool)
    try await permissionDenied("CREATE ROLE \(identifier: contacts + "_x")", on: contactsPool)

    // Provisioning again rotates the password and keeps the data.
    let rotated = try await provisioner.provisionService(tags, password: "rotated")
    let rotatedPool = PostgresPool(
      configuration: rotated, maxConnections: 1, logger: TestDatabase.logger)
    #expect(
      try await rotatedPool.query("SELECT name FROM tag")[0].decode("name", as: String.self)
        == "vip")

    await contactsPool.shutdown()
    await tagsPool.shutdown()
    await rotatedPool.shutdown()
    try await provisioner.dropService(contacts)
    try await provisioner.dropService(tags)
    let left = try await admin.query(
      "SELECT 1 FROM pg_roles WHERE rolname IN (\(contacts), \(tags))")
    #expect(left.isEmpty)
    await admin.shutdown()
  }

  @Test("a service name that is not a plain identifier is refused")
  func refusesBadNames() async throws {
    let admin = try TestDatabase.adminPool(maxConnections: 1)
    let provisioner = PostgresProvisioner(admin: admin)
    for name in ["", "Contacts", "a-b", "pg_evil", "x; DROP ROLE maac_admin", "1abc"] {
      await #expect(throws: PostgresError.self, "\(name)") {
        try await provisioner.provisionService(name, password: "pw")
      }
    }
    await admin.shutdown()
  }
}
