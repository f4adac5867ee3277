import Foundation

/// One numbered SQL migration, e.g. `0001_create_contacts.sql` (version 1).
public struct PostgresMigration: Sendable, Hashable {
  public var version: Int
  /// The part of the file name after the number, e.g. `create_contacts`.
  public var name: String
  /// The file name, used in error messages.
  public var fileName: String
  public var sql: String

  public init(version: Int, name: String, fileName: String? = nil, sql: String) {
    self.version = version
    self.name = name
    self.fileName = fileName ?? "\(version)_\(name).sql"
    self.sql = sql
  }

  /// Loads every `*.sql` file of `directory`, sorted by version. Other files are ignored; a
  /// `.sql` file whose name is not `<number>_<name>.sql`, and two files with one version,
  /// are refused, naming the files.
  public static func load(directory: URL) throws -> [PostgresMigration] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    } catch {
      throw PostgresMigrationError.unreadable(path: directory.path, reason: "\(error)")
    }
    var migrations: [PostgresMigration] = []
    for fileName in names.sorted() where fileName.hasSuffix(".sql") {
      guard let (version, name) = parse(fileName) else {
        throw PostgresMigrationError.badFileName(fileName)
      }
      let url = directory.appendingPathComponent(fileName)
      let sql: String
      do {
        sql = try String(contentsOf: url, encoding: .utf8)
      } catch {
        throw PostgresMigrationError.unreadable(path: url.path, reason: "\(error)")
      }
      migrations.append(
        PostgresMigration(version: version, name: name, fileName: fileName, sql: sql))
    }
    try validate(migrations)
    return migrations.sorted { $0.version < $1.version }
  }

  /// Loads the migrations a SwiftPM target ships as a resource folder:
  ///
  /// ```swift
  /// // Package.swift: .executableTarget(name: "contacts", resources: [.copy("Migrations")])
  /// let migrations = try PostgresMigration.load(bundle: .module, subdirectory: "Migrations")
  /// ```
  public static func load(bundle: Bundle, subdirectory: String = "Migrations") throws
    -> [PostgresMigration]
  {
    guard let url = bundle.url(forResource: subdirectory, withExtension: nil) else {
      throw PostgresMigrationError.unreadable(
        path: bundle.bundlePath + "/" + subdirectory, reason: "the bundle has no such folder")
    }
    return try load(directory: url)
  }

  /// Refuses duplicate versions.
  static func validate(_ migrations: [PostgresMigration]) throws {
    var seen: [Int: String] = [:]
    for migration in migrations {
      if let other = seen[migration.version] {
        throw PostgresMigrationError.duplicateVersion(
          migration.version, files: [other, migration.fileName])
      }
      seen[migration.version] = migration.fileName
    }
  }

  /// `0001_create_contacts.sql` → (1, "create_contacts").
  private static func parse(_ fileName: String) -> (Int, String)? {
    let stem = fileName.dropLast(".sql".count)
    guard let separator = stem.firstIndex(of: "_") else { return nil }
    let digits = stem[..<separator]
    let name = stem[stem.index(after: separator)...]
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
      let version = Int(digits), !name.isEmpty,
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
    else { return nil }
    return (version, String(name))
  }
}
