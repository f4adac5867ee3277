/// A client assertion of an interoperability test case that did not hold.
public struct InteropTestFailure: Error, CustomStringConvertible, Sendable {
  /// What was expected and what happened instead.
  public var message: String
  /// Where the assertion is, so a failure names the exact check.
  public var location: String

  init(_ message: String, file: StaticString = #fileID, line: UInt = #line) {
    self.message = message
    self.location = "\(file):\(line)"
  }

  public var description: String { "\(self.message) (\(self.location))" }
}
