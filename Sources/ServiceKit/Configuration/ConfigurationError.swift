/// A configuration value that is missing or malformed, naming the setting and the reason.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The setting as the operator writes it: the flag and the environment variable.
  public var setting: String
  public var reason: String

  public init(setting: String, reason: String) {
    self.setting = setting
    self.reason = reason
  }

  public var description: String { "configuration \(setting): \(reason)" }
}
