/// Why migrations were refused. Every case names the file(s) concerned.
public enum PostgresMigrationError: Error, Sendable, CustomStringConvertible {
  /// A `.sql` file whose name is not `<number>_<name>.sql`.
  case badFileName(String)
  case duplicateVersion(Int, files: [String])
  case unreadable(path: String, reason: String)
  /// An applied migration's file changed since it was applied.
  case checksumMismatch(file: String, version: Int, recorded: String, current: String)
  /// The database records a migration that no file provides any more.
  case appliedMigrationMissing(version: Int, name: String)
  /// A new migration is numbered below one that is applied already.
  case outOfOrder(file: String, latestApplied: Int)
  /// The SQL of a migration failed; nothing of this run was applied.
  case failed(file: String, underlying: PostgresError)

  public var description: String {
    switch self {
    case .badFileName(let file):
      return "migration file \(file) is not named <number>_<name>.sql"
    case .duplicateVersion(let version, let files):
      return "migration version \(version) is used by \(files.joined(separator: " and "))"
    case .unreadable(let path, let reason):
      return "cannot read migrations at \(path): \(reason)"
    case .checksumMismatch(let file, let version, let recorded, let current):
      return
        "migration \(file) (version \(version)) was changed after it was applied "
        + "(recorded checksum \(recorded), file now \(current)); never edit an applied "
        + "migration, add a new one"
    case .appliedMigrationMissing(let version, let name):
      return "migration \(version) (\(name)) is applied in the database but its file is missing"
    case .outOfOrder(let file, let latestApplied):
      return
        "migration \(file) is new but numbered below the latest applied migration "
        + "\(latestApplied); renumber it after \(latestApplied)"
    case .failed(let file, let underlying):
      return "migration \(file) failed, nothing was applied: \(underlying)"
    }
  }
}
