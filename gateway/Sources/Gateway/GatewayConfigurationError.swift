/// A configuration problem found at startup, naming the setting and what is wrong with it.
public struct GatewayConfigurationError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
