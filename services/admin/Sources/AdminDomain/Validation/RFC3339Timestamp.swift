import Foundation

/// Renders instants as RFC 3339 in UTC with a `Z` suffix, with milliseconds only when they
/// are non-zero (A24).
public enum RFC3339Timestamp {
  public static func string(from date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    // Round down to the millisecond so that 59.9996 s never renders as 60.
    let millisecondsSinceEpoch = (date.timeIntervalSince1970 * 1000).rounded(.down)
    let whole = Date(timeIntervalSince1970: (millisecondsSinceEpoch / 1000).rounded(.down))
    let milliseconds = Int(millisecondsSinceEpoch - whole.timeIntervalSince1970 * 1000)
    let parts = calendar.dateComponents(
      [.year, .month, .day, .hour, .minute, .second], from: whole)
    var text = String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!,
      parts.minute!, parts.second!)
    if milliseconds != 0 { text += String(format: ".%03d", milliseconds) }
    return text + "Z"
  }
}
