/// A task-level warning or a row issue (§2.5, §7.3).
public struct ImportIssue: Hashable, Sendable, Codable {
  public var code: String
  /// The column at fault (row issues).
  public var column: String
  public var message: String
  /// True only on failed and skipped rows.
  public var blocking: Bool
  /// Several columns (task warnings).
  public var columns: [String]

  public init(
    code: ReasonCode, column: String = "", message: String, blocking: Bool, columns: [String] = []
  ) {
    self.code = code.rawValue
    self.column = column
    self.message = message
    self.blocking = blocking
    self.columns = columns
  }

  /// A blocking issue from a field violation on `column`.
  public init(_ violation: FieldViolation, column: String) {
    self.init(code: violation.reason, column: column, message: violation.message, blocking: true)
  }
}

/// The header row of an import, mapped to fields (C27, C28), with its task warnings.
public struct ImportHeader: Hashable, Sendable {
  /// The headers as given (trimmed), in file order.
  public let names: [String]
  /// Per column index: the field it writes, or `nil` when ignored.
  public let columns: [ImportColumn?]
  /// `UNKNOWN_COLUMN` / `NON_IMPORTABLE_COLUMN` warnings (rows are still processed).
  public let warnings: [ImportIssue]
  /// Index of the key column.
  public let keyIndex: Int

  /// Maps `headers` for `target`/`key` (C18, C27–C29). Throws `INVALID_ARGUMENT` for a missing key
  /// column, a missing `messaging_status`, two headers of one field, or a LINE phone column
  /// without a default country.
  public init(
    _ headers: [String], target: ImportTarget, key: ImportKey,
    customFields: [CustomFieldDefinition],
    defaultCountry: String?
  ) throws(DomainError) {
    try ImportRequestRules.checkKey(key, for: target)
    let names = headers.enumerated().map { index, header in
      // A BOM that survived the file decoder belongs to the first header, not to its name.
      let name = index == 0 && header.hasPrefix("\u{FEFF}") ? String(header.dropFirst()) : header
      return Text.normalize(name)
    }
    let map = ImportColumn.headerMap(for: target)
    let labels = Dictionary(
      customFields.map { ($0.label, $0.key) }, uniquingKeysWith: { first, _ in first })
    var columns: [ImportColumn?] = []
    var seen: [ImportColumn: String] = [:]
    var unknown: [String] = []
    var nonImportable: [String] = []
    for name in names {
      let column: ImportColumn?
      if let known = map[name] {
        column = known
      } else if let fieldKey = labels[name] {
        column = .customField(key: fieldKey)
      } else {
        column = nil
        if ImportColumn.nonImportableHeaders.contains(name) {
          nonImportable.append(name)
        } else {
          unknown.append(name)
        }
      }
      if let column {
        if let earlier = seen[column] {
          throw .invalid(
            .duplicateColumn, field: name,
            "columns \"\(earlier)\" and \"\(name)\" both write the same field")
        }
        seen[column] = name
      }
      columns.append(column)
    }
    let keyColumn = key.column(for: target)
    guard let keyIndex = columns.firstIndex(of: keyColumn) else {
      throw .invalid(
        .keyColumnMissing, field: "header",
        "the header has no \(ImportColumn.headerName(keyColumn, target: target)) column for key \(key.rawValue)"
      )
    }
    if target.requiresMessagingStatus && !columns.contains(.messagingStatus) {
      throw .invalid(
        .requiredColumnMissing, field: "header",
        "\(target.rawValue) imports need a messaging_status column")
    }
    if target == .line && columns.contains(.phone) && defaultCountry == nil {
      throw .invalid(
        .missingDefaultCountry, field: "default_country",
        "default_country is required for a LINE import with a phone column")
    }
    var warnings: [ImportIssue] = []
    if !unknown.isEmpty {
      warnings.append(
        ImportIssue(
          code: .unknownColumn, message: "Column ignored: \(unknown.joined(separator: ", "))",
          blocking: false,
          columns: unknown))
    }
    if !nonImportable.isEmpty {
      warnings.append(
        ImportIssue(
          code: .nonImportableColumn,
          message:
            "Column cannot be imported and was ignored: \(nonImportable.joined(separator: ", "))",
          blocking: false, columns: nonImportable))
    }
    self.names = names
    self.columns = columns
    self.warnings = warnings
    self.keyIndex = keyIndex
  }
}

extension ImportColumn {
  /// The canonical header of a column for a target.
  static func headerName(_ column: ImportColumn, target: ImportTarget) -> String {
    headerMap(for: target).filter { $0.value == column }.map(\.key).sorted {
      ImportColumn.templateHeaders(for: target).contains($0)
        && !ImportColumn.templateHeaders(for: target).contains($1)
    }.first ?? "\(column)"
  }
}
