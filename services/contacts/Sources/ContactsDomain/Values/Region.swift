/// The region codes a contact's `region` may hold (C14).
public enum Region: String, CaseIterable, Hashable, Sendable, Codable {
  case kh, cn, hk, `in`, id, jp, kr, mo, my, mm, ph, sg, tw, th, vn, other

  public static func parse(_ raw: String, field: String = "region") throws(FieldViolation) -> Region
  {
    guard let region = Region(rawValue: Text.normalize(raw).lowercased()) else {
      throw FieldViolation(
        field: field, reason: .invalidRegion,
        message:
          "\(field) must be one of \(Region.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(raw)\""
      )
    }
    return region
  }
}
