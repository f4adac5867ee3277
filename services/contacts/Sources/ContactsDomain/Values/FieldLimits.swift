/// Length limits of the contact fields (§2.1), in Unicode code points.
public enum FieldLimits {
  public static let displayName = 255
  public static let fullName = 255
  public static let email = 255
  public static let city = 255
  public static let address = 255
  public static let company = 255
  public static let accountManager = 255
  public static let memberLevel = 255
  public static let note = 2048
  public static let customerID = 1024
  public static let connectID = 1024
  public static let customFieldValue = 255
  public static let consentSource = 255
  /// Tag names of the tag manager (`tags.md` T1), checked early so bad names never travel.
  public static let tagName = 50
}
