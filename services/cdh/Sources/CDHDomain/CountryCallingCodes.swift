/// ITU calling codes of the countries CDH normalises phones for (U12). The release regions
/// are TW, TH and JP; the others cover the regions of the profile catalog (§2.3 `region`).
public enum CountryCallingCodes {
  static let table: [String: String] = [
    "TW": "886", "TH": "66", "JP": "81", "HK": "852", "MO": "853", "CN": "86", "KR": "82",
    "SG": "65", "MY": "60", "ID": "62", "PH": "63", "VN": "84", "KH": "855", "MM": "95",
    "IN": "91", "US": "1", "CA": "1", "GB": "44", "AU": "61", "NZ": "64", "DE": "49",
    "FR": "33", "IT": "39", "ES": "34", "NL": "31", "LA": "856", "BN": "673",
  ]

  /// The calling code (digits, no `+`) of an ISO 3166 alpha-2 country, nil when unknown.
  public static func code(for country: String) -> String? { table[country.uppercased()] }
}
