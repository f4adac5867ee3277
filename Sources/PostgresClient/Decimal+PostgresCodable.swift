import Foundation

/// `numeric` in binary format: base-10000 digits with a weight (the power of 10000 of the first
/// digit), a sign and the display scale (digits after the decimal point).
extension Decimal: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .numeric }

  private static let positive: UInt16 = 0x0000
  private static let negative: UInt16 = 0x4000
  private static let notANumber: UInt16 = 0xC000

  public func encode(into buffer: inout [UInt8]) {
    if isNaN {
      buffer.appendBigEndian(Int16(0))
      buffer.appendBigEndian(Int16(0))
      buffer.appendBigEndian(Self.notANumber)
      buffer.appendBigEndian(Int16(0))
      return
    }
    // `description` is plain positional notation ("-12.5"), never exponent notation.
    var text = Substring(description)
    let isNegative = text.hasPrefix("-")
    if isNegative { text = text.dropFirst() }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let integerDigits = Array(parts[0].drop { $0 == "0" }).compactMap(\.wholeNumberValue)
    let fractionDigits = parts.count > 1 ? parts[1].compactMap(\.wholeNumberValue) : []

    func groups(_ digits: [Int]) -> [Int16] {
      stride(from: 0, to: digits.count, by: 4).map { start in
        Int16(digits[start..<min(start + 4, digits.count)].reduce(0) { $0 * 10 + $1 })
      }
    }
    let integerPadding = (4 - integerDigits.count % 4) % 4
    let fractionPadding = (4 - fractionDigits.count % 4) % 4
    let integerGroups = groups(Array(repeating: 0, count: integerPadding) + integerDigits)
    var fractionGroups = groups(fractionDigits + Array(repeating: 0, count: fractionPadding))
    while fractionGroups.last == 0 { fractionGroups.removeLast() }

    var digits = integerGroups + fractionGroups
    var weight = integerGroups.count - 1
    while digits.first == 0 {
      digits.removeFirst()
      weight -= 1
    }
    while digits.last == 0 { digits.removeLast() }
    if digits.isEmpty { weight = 0 }

    buffer.appendBigEndian(Int16(digits.count))
    buffer.appendBigEndian(Int16(weight))
    buffer.appendBigEndian(isNegative && !digits.isEmpty ? Self.negative : Self.positive)
    buffer.appendBigEndian(Int16(fractionDigits.count))
    for digit in digits { buffer.appendBigEndian(digit) }
  }

  /// Decodes numeric (exactly, up to `Decimal`'s 38 significant digits) and the integer types.
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Decimal {
    if [.int2, .int4, .int8].contains(cell.dataType) {
      return Decimal(try cell.decodeInteger(for: Decimal.self))
    }
    try cell.requireType(.numeric, for: Decimal.self)
    var reader = PostgresByteReader(try cell.requireBytes(for: Decimal.self))
    guard let count = reader.readInteger(as: Int16.self),
      let weight = reader.readInteger(as: Int16.self),
      let sign = reader.readInteger(as: UInt16.self),
      let scale = reader.readInteger(as: Int16.self), count >= 0,
      reader.remaining == Int(count) * 2
    else { throw cell.failure(Decimal.self, "malformed numeric") }
    switch sign {
    case Self.positive, Self.negative: break
    case Self.notANumber: return .nan
    default: throw cell.failure(Decimal.self, "infinite numeric values have no Decimal form")
    }
    var digits: [Int] = []
    for _ in 0..<count { digits.append(Int(reader.readInteger(as: Int16.self) ?? 0)) }
    if digits.isEmpty { return Decimal(0) }

    func group(atPower power: Int) -> Int {
      let index = Int(weight) - power
      return index >= 0 && index < digits.count ? digits[index] : 0
    }
    func padded(_ value: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: 4 - text.count) + text
    }
    var text = sign == Self.negative ? "-" : ""
    if weight >= 0 {
      text += String(group(atPower: Int(weight)))
      for power in stride(from: Int(weight) - 1, through: 0, by: -1) {
        text += padded(group(atPower: power))
      }
    } else {
      text += "0"
    }
    let lowestPower = Int(weight) - (digits.count - 1)
    if lowestPower < 0 {
      text += "."
      for power in stride(from: -1, through: lowestPower, by: -1) {
        text += padded(group(atPower: power))
      }
    }
    _ = scale
    guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
      throw cell.failure(Decimal.self, "numeric \(text) has no Decimal form")
    }
    return value
  }
}
