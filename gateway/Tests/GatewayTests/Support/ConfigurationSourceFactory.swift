import ServiceKit

enum ConfigurationSourceFactory {
  static func make(environment: [String: String]) throws -> ConfigurationSource {
    try ConfigurationSource(arguments: [], environment: environment)
  }
}
