/// Storage states that cannot happen unless the schema was changed behind the service's back.
/// They surface as INTERNAL (details in the log only).
enum ServiceStorageError: Error, CustomStringConvertible {
  case vanished(String)
  case corrupt(String)

  var description: String {
    switch self {
    case .vanished(let what): "\(what) disappeared inside its own transaction"
    case .corrupt(let what): "unexpected stored value \(what)"
    }
  }
}
