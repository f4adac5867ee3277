/// Who or what caused a change (cdh.md §2.1 `origin`).
public enum ChangeOrigin: String, Sendable, Hashable, Codable {
  case channel
  case user
  case api
  case `import`
  case system
  case profileUpdate = "profile_update"
  /// A write CDH caused: inbound echoes are ignored (U42), such values never link (U10).
  case cdh
}
