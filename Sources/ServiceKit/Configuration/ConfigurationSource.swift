import Foundation

/// Settings from command-line flags and the environment; a flag wins over its variable.
///
/// A setting named `database-url` is read from `--database-url VALUE` or
/// `--database-url=VALUE`, else from `MAAC_DATABASE_URL`.
public struct ConfigurationSource: Sendable {
  private let flags: [String: [String]]
  private let environment: [String: String]

  /// - Parameters:
  ///   - arguments: the command line without the program name.
  ///   - environment: the process environment.
  public init(arguments: [String], environment: [String: String]) throws(ConfigurationError) {
    var flags: [String: [String]] = [:]
    var index = arguments.startIndex
    while index < arguments.endIndex {
      let argument = arguments[index]
      guard argument.hasPrefix("--") else {
        throw ConfigurationError(setting: argument, reason: "unexpected argument")
      }
      let body = argument.dropFirst(2)
      if let equals = body.firstIndex(of: "=") {
        flags[String(body[..<equals]), default: []].append(
          String(body[body.index(after: equals)...]))
      } else {
        let next = arguments.index(after: index)
        guard next < arguments.endIndex, !arguments[next].hasPrefix("--") else {
          throw ConfigurationError(setting: argument, reason: "needs a value")
        }
        flags[String(body), default: []].append(arguments[next])
        index = next
      }
      index = arguments.index(after: index)
    }
    self.flags = flags
    self.environment = environment
  }

  /// The environment variable of a setting: `database-url` → `MAAC_DATABASE_URL`.
  public static func environmentName(of setting: String) -> String {
    "MAAC_" + setting.uppercased().replacingOccurrences(of: "-", with: "_")
  }

  /// How an operator sets `setting`, for error messages.
  public static func describe(_ setting: String) -> String {
    "--\(setting) / \(environmentName(of: setting))"
  }

  /// The last value of the flag, else the environment variable, else `nil`.
  public func string(_ setting: String) -> String? {
    if let values = flags[setting], let last = values.last { return last }
    return environment[Self.environmentName(of: setting)]
  }

  /// Every value of a repeatable flag, plus the environment variable's comma-separated list.
  public func strings(_ setting: String) -> [String] {
    let fromEnvironment =
      environment[Self.environmentName(of: setting)]?
      .split(separator: ",").map(String.init) ?? []
    return fromEnvironment + (flags[setting] ?? [])
  }

  public func required(_ setting: String) throws(ConfigurationError) -> String {
    guard let value = string(setting), !value.isEmpty else {
      throw ConfigurationError(setting: Self.describe(setting), reason: "is required")
    }
    return value
  }

  public func integer(_ setting: String, default defaultValue: Int, range: ClosedRange<Int>)
    throws(ConfigurationError) -> Int
  {
    guard let raw = string(setting) else { return defaultValue }
    guard let value = Int(raw), range.contains(value) else {
      throw ConfigurationError(
        setting: Self.describe(setting),
        reason:
          "must be a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\""
      )
    }
    return value
  }

  public func address(_ setting: String, default defaultValue: HostAndPort?)
    throws(ConfigurationError) -> HostAndPort?
  {
    guard let raw = string(setting) else { return defaultValue }
    guard let address = HostAndPort(parsing: raw) else {
      throw ConfigurationError(
        setting: Self.describe(setting),
        reason: "must be host:port (IPv6 as [::1]:port), got \"\(raw)\""
      )
    }
    return address
  }
}
