/// The numbering plan of one country: enough to normalise to E.164 and to reject numbers of an
/// impossible length (C8).
///
/// This is a compact table of the markets in the product documents and their neighbours, not
/// a full libphonenumber port: national significant number (NSN) lengths and the first digits
/// a valid NSN can start with. Countries missing here are `INVALID_COUNTRY` / `INVALID_PHONE`.
public struct NumberingPlan: Hashable, Sendable {
  /// ISO 3166-1 alpha-2, upper case.
  public let country: String
  /// Country calling code without `+`.
  public let callingCode: String
  /// Trunk prefix dialled before national numbers (e.g. "0"), if any.
  public let nationalPrefix: String?
  /// Allowed lengths of the national significant number.
  public let lengths: ClosedRange<Int>
  /// Digits a national significant number may start with.
  public let leadingDigits: Set<Character>

  init(
    _ country: String, _ callingCode: String, prefix: String?, _ lengths: ClosedRange<Int>,
    leading: String = "123456789"
  ) {
    self.country = country
    self.callingCode = callingCode
    self.nationalPrefix = prefix
    self.lengths = lengths
    self.leadingDigits = Set(leading)
  }

  /// Whether `nsn` (digits only) is a possible number of this plan.
  public func accepts(nationalSignificantNumber nsn: Substring) -> Bool {
    guard lengths.contains(nsn.count), let first = nsn.first else { return false }
    return leadingDigits.contains(first)
  }

  /// The plans by ISO code.
  public static let byCountry: [String: NumberingPlan] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.country, $0) })

  /// The plans sharing one calling code (NANP "1" is shared by US and CA).
  public static let byCallingCode: [String: [NumberingPlan]] = Dictionary(
    grouping: all, by: \.callingCode)

  /// Every known plan.
  public static let all: [NumberingPlan] = [
    NumberingPlan("TW", "886", prefix: "0", 8...9, leading: "23456789"),
    NumberingPlan("HK", "852", prefix: nil, 8...8, leading: "235679"),
    NumberingPlan("MO", "853", prefix: nil, 8...8, leading: "2689"),
    NumberingPlan("CN", "86", prefix: "0", 10...11),
    NumberingPlan("JP", "81", prefix: "0", 9...10),
    NumberingPlan("KR", "82", prefix: "0", 8...10),
    NumberingPlan("SG", "65", prefix: nil, 8...8, leading: "3689"),
    NumberingPlan("MY", "60", prefix: "0", 8...10),
    NumberingPlan("TH", "66", prefix: "0", 8...9),
    NumberingPlan("VN", "84", prefix: "0", 9...10),
    NumberingPlan("PH", "63", prefix: "0", 8...10),
    NumberingPlan("ID", "62", prefix: "0", 8...12),
    NumberingPlan("IN", "91", prefix: "0", 10...10, leading: "123456789"),
    NumberingPlan("KH", "855", prefix: "0", 8...9),
    NumberingPlan("MM", "95", prefix: "0", 7...10),
    NumberingPlan("US", "1", prefix: "1", 10...10, leading: "23456789"),
    NumberingPlan("CA", "1", prefix: "1", 10...10, leading: "23456789"),
    NumberingPlan("GB", "44", prefix: "0", 9...10),
    NumberingPlan("AU", "61", prefix: "0", 9...9),
    NumberingPlan("NZ", "64", prefix: "0", 8...10),
    NumberingPlan("DE", "49", prefix: "0", 6...13),
    NumberingPlan("FR", "33", prefix: "0", 9...9),
    NumberingPlan("IT", "39", prefix: nil, 6...11, leading: "0123456789"),
    NumberingPlan("ES", "34", prefix: nil, 9...9),
    NumberingPlan("NL", "31", prefix: "0", 9...9),
    NumberingPlan("AE", "971", prefix: "0", 8...9),
    NumberingPlan("SA", "966", prefix: "0", 8...9),
    NumberingPlan("BR", "55", prefix: "0", 10...11),
    NumberingPlan("MX", "52", prefix: nil, 10...10),
  ]
}
