import CDHDomain

/// `ProfileState` as JSON bytes built directly, in the layout its synthesized `Codable`
/// reads back (`EngineStore.load` decodes it with `JSONDecoder`).
///
/// A re-unification job writes one state per live profile (250,000 for 1,000,000 contacts);
/// `JSONEncoder` spent more time on them than PostgreSQL spent storing them.
enum ProfileStateJSON {
  static func encode(_ state: ProfileState) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256 + state.members.count * 40 + state.view.fields.count * 160)
    out.append(contentsOf: #"{"id":"#.utf8)
    appendInteger(state.id, to: &out)
    out.append(contentsOf: #","scopeID":"#.utf8)
    appendInteger(state.scopeID, to: &out)
    out.append(contentsOf: #","createdAt":"#.utf8)
    appendInstant(state.createdAt, to: &out)
    out.append(contentsOf: #","members":["#.utf8)
    for (index, member) in state.members.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      appendMember(member, to: &out)
    }
    out.append(contentsOf: #"],"view":{"fields":{"#.utf8)
    // Sorted so that equal states give equal bytes.
    for (index, field) in state.view.fields.sorted(by: { $0.key < $1.key }).enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      EngineStore.appendQuoted(field.key, to: &out)
      out.append(contentsOf: #":{"value":"#.utf8)
      EngineStore.appendQuoted(field.value.value, to: &out)
      out.append(contentsOf: #","member":"#.utf8)
      appendMember(field.value.member, to: &out)
      out.append(contentsOf: #","sourceTimestamp":"#.utf8)
      appendInstant(field.value.sourceTimestamp, to: &out)
      out.append(contentsOf: #","arrivedTimestamp":"#.utf8)
      appendInstant(field.value.arrivedTimestamp, to: &out)
      out.append(UInt8(ascii: "}"))
    }
    out.append(UInt8(ascii: "}"))
    if let name = state.view.effectiveDisplayName {
      out.append(contentsOf: #","effectiveDisplayName":"#.utf8)
      EngineStore.appendQuoted(name, to: &out)
    }
    out.append(contentsOf: #","anyReachable":"#.utf8)
    out.append(contentsOf: (state.view.anyReachable ? "true" : "false").utf8)
    out.append(contentsOf: #"},"version":"#.utf8)
    appendInteger(state.version, to: &out)
    out.append(contentsOf: #","unificationUpdatedAt":"#.utf8)
    appendInstant(state.unificationUpdatedAt, to: &out)
    out.append(UInt8(ascii: "}"))
    return out
  }

  static func appendMember(_ member: MemberRef, to out: inout [UInt8]) {
    out.append(contentsOf: #"{"source":""#.utf8)
    out.append(contentsOf: member.source.rawValue.utf8)
    out.append(contentsOf: #"","memberID":"#.utf8)
    appendInteger(member.memberID, to: &out)
    out.append(UInt8(ascii: "}"))
  }

  static func appendInstant(_ instant: Instant, to out: inout [UInt8]) {
    out.append(contentsOf: #"{"microseconds":"#.utf8)
    appendInteger(instant.microseconds, to: &out)
    out.append(UInt8(ascii: "}"))
  }

  /// Decimal digits written in place, without going through `String`.
  static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    let first = out.count
    repeat {
      out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    } while magnitude > 0
    out[first...].reverse()
  }
}
