import Foundation

/// The figures of a run, one row per metric, one column per transport, plus the ratio.
struct Report {
  private struct Row {
    var metric: String
    var values: [TransportUnderTest: Double]
    var higherIsBetter: Bool
  }

  private var rows: [Row] = []

  mutating func add(_ metric: String, _ values: [TransportUnderTest: Double], higherIsBetter: Bool)
  {
    self.rows.append(Row(metric: metric, values: values, higherIsBetter: higherIsBetter))
  }

  func rendered(rounds: Int, quick: Bool) -> String {
    let header = ["metric", "nghttp2", "nio (reference)", "nghttp2 / nio"]
    var lines = [header]
    for row in self.rows {
      let ours = row.values[.nghttp2] ?? .nan
      let reference = row.values[.nio] ?? .nan
      let better = row.higherIsBetter ? "higher is better" : "lower is better"
      lines.append([
        row.metric, Self.format(ours), Self.format(reference),
        String(format: "%.2fx (%@)", ours / reference, better),
      ])
    }
    let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
    var text =
      "median of \(rounds) round(s)\(quick ? ", --quick" : ""), loopback h2c, one connection\n"
    for (index, line) in lines.enumerated() {
      text +=
        zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
        .joined(separator: " | ") + "\n"
      if index == 0 {
        text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-") + "\n"
      }
    }
    return text
  }

  private static func format(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
  }
}
