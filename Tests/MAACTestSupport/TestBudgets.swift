/// Budgets the tests give where production keeps a tighter default.
///
/// A full run starts hundreds of tests at once on two cores; a loopback call that takes
/// milliseconds on a quiet machine has been seen to take several seconds there.
public enum TestBudgets {
  /// The GQ6 organization lookup (production: 5 s, `MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS`).
  /// CI saw a gateway's first request answer 503 because admin center's loopback answer took
  /// over 5 s at the start of a run.
  public static let organizationLookup: Duration = .seconds(60)

  /// ``organizationLookup`` as the value of `MAAC_ORGANIZATION_LOOKUP_TIMEOUT_MS`, for
  /// launched service processes.
  public static var organizationLookupMilliseconds: String {
    String(organizationLookup.components.seconds * 1000)
  }
}
