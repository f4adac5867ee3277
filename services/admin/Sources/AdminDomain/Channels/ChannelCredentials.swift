/// A validated credential set of one channel. Stored server-side and never part of any
/// public answer (A22).
///
/// Its textual and reflected forms are redacted so that a credential that reaches a log line
/// or a test failure message by accident does not disclose the secret.
public struct ChannelCredentials: Sendable, Hashable, CustomStringConvertible,
  CustomDebugStringConvertible, CustomReflectable
{
  public let kind: CredentialKind
  /// Field name → value; only the fields of `kind`, absent optional fields omitted.
  public let values: [String: String]

  /// Creates a credential set without validation; use `CredentialsDraft.validated` for input.
  public init(kind: CredentialKind, values: [String: String]) {
    self.kind = kind
    self.values = values
  }

  /// The value of field `name`, or nil when not set.
  public subscript(name: String) -> String? { values[name] }

  public var description: String {
    "ChannelCredentials(\(kind.rawValue), fields: \(values.keys.sorted()), values redacted)"
  }

  public var debugDescription: String { description }

  public var customMirror: Mirror {
    Mirror(self, children: ["kind": kind, "fields": values.keys.sorted()])
  }
}
