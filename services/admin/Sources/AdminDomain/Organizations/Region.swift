/// Region an organization is served from (spec §3.1). Absent means "no region set".
public enum Region: String, Sendable, Hashable, CaseIterable, Codable {
  case tw
  case th
  case jp
}
