import GRPCCore
import ServiceKit

/// The RPC services of the cdh context, for the server to register.
public enum CdhServices {
  /// One handler per service of `maac.cdh.v1`. Without a runtime the handlers check the
  /// caller and answer UNAVAILABLE (conformance checks); `eventStream` serves the outbox.
  public static func all(runtime: CDHRuntime? = nil, eventStream: EventStreamService? = nil)
    -> [any RegistrableRPCService]
  {
    [
      AuditServiceHandler(runtime: runtime),
      eventStream.map { $0 as any RegistrableRPCService } ?? CdhEventsHandler(),
      ImportServiceHandler(runtime: runtime),
      CdhOpsHandler(runtime: runtime),
      ProfileServiceHandler(runtime: runtime),
      UnifySettingsServiceHandler(runtime: runtime),
    ]
  }

  /// Conformance tests call `all()` without arguments.
  public static func all() -> [any RegistrableRPCService] { all(runtime: nil, eventStream: nil) }

  /// Every method is implemented.
  public static let implementedMethods: Set<String> = [
    "maac.cdh.v1.AuditService/QueryAuditLog",
    "maac.cdh.v1.CdhEvents/Subscribe",
    "maac.cdh.v1.ImportService/SubmitImportTask",
    "maac.cdh.v1.ImportService/GetImportTask",
    "maac.cdh.v1.ImportService/ListImportTasks",
    "maac.cdh.v1.CdhOps/MoveOrgsToScope",
    "maac.cdh.v1.CdhOps/ResyncScope",
    "maac.cdh.v1.ProfileService/GetMergedProfile",
    "maac.cdh.v1.ProfileService/ListUnifiedMembers",
    "maac.cdh.v1.ProfileService/BatchGetUnifiedMembers",
    "maac.cdh.v1.ProfileService/UpdateProfile",
    "maac.cdh.v1.ProfileService/UnmergeMember",
    "maac.cdh.v1.ProfileService/GetProfileTags",
    "maac.cdh.v1.UnifySettingsService/GetUnifySettings",
    "maac.cdh.v1.UnifySettingsService/UpdateUnifyKeys",
    "maac.cdh.v1.UnifySettingsService/GetMergeState",
    "maac.cdh.v1.UnifySettingsService/ConnectOrgs",
    "maac.cdh.v1.UnifySettingsService/DisconnectScope",
    "maac.cdh.v1.UnifySettingsService/ListScopeOrgs",
  ]

  /// The tenancy of CDH's methods: every call needs an organization except the event stream
  /// and the platform-admin operations, which need a caller only.
  public static var tenancy: TenancyPolicy {
    .organizationScoped(callerOnly: ["maac.cdh.v1.CdhEvents", "maac.cdh.v1.CdhOps"])
  }
}
