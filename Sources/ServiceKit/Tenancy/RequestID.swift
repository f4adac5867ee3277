import Synchronization

/// Request ids for calls that arrive without one (service-internal work, tests, operators), and
/// for every external request the gateway answers.
public enum RequestID {
  /// A process-wide sequence number: each id comes from a different value, so ids are unique
  /// within a process by construction, not by chance.
  private static let sequence = Atomic<UInt64>(0)
  /// Drawn once per process from the system generator, so ids of different processes (and of
  /// restarts) differ and no id reveals the sequence number behind it.
  private static let keys: (high: UInt64, low: UInt64) = {
    var generator = SystemRandomNumberGenerator()
    return (generator.next(), generator.next())
  }()

  /// A new request id: 32 lower-case hex digits that look random.
  ///
  /// Made on every request's hot path, so it costs no system call: the system generator (two
  /// `getrandom` calls per id before) is read once per process; each id is the next sequence
  /// number through two keyed bijective mixers (different for each half), so two ids of one
  /// process never collide. Ids are for correlation, not secrets.
  public static func generate() -> String {
    let number = sequence.wrappingAdd(1, ordering: .relaxed).oldValue
    let high = mix(number &+ keys.high)
    let low = mix(rotate(number ^ keys.low) &* 0x9E37_79B9_7F4A_7C15)
    return String(unsafeUninitializedCapacity: 32) { buffer in
      write(high, into: buffer, at: 0)
      write(low, into: buffer, at: 16)
      return 32
    }
  }

  /// SplitMix64's finalizer: a bijection on 64-bit values (each step, an xor-shift or a
  /// multiplication by an odd constant, is invertible) whose output bits all depend on every
  /// input bit.
  private static func mix(_ value: UInt64) -> UInt64 {
    var z = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A rotation (bijective), so the low half's mixer differs from the high half's.
  private static func rotate(_ value: UInt64) -> UInt64 { (value << 23) | (value >> 41) }

  /// Writes `value` as 16 lower-case hex digits (zero-padded) at `offset`.
  private static func write(
    _ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int
  ) {
    for index in 0..<16 {
      let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF
      buffer[offset + index] = nibble < 10 ? nibble + 0x30 : nibble + 0x57
    }
  }
}
