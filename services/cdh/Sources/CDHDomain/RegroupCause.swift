/// Why the engine regroups or republishes: the broadcast type, the actor and the correlation
/// id written into audit entries (U44).
public struct RegroupCause: Sendable, Hashable {
  public var type: ProfileBroadcastType
  public var actor: Actor
  public var correlationID: String

  public init(type: ProfileBroadcastType, actor: Actor, correlationID: String) {
    self.type = type
    self.actor = actor
    self.correlationID = correlationID
  }
}
