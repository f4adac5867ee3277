/// The enum fields of the routed messages by JSON path (`contacts.md` §5.3, `tags.md` §6,
/// `cdh.md` §4.1.3, `admin.md` §5): what ``ProtoJSONScanner`` and ``RequestMapping`` map
/// between proto names and the specs' lower-case strings.
enum EnumFields {
  // MARK: contacts

  static let contact: EnumPaths = [
    "channel_type": .channelType,
    "line.follow_status": .lineStatus,
    "whatsapp.status": .whatsAppStatus,
    "sms.phone_status": .phoneStatus,
    "email.status": .emailStatus,
    "email.suppression_reason": .suppressionReason,
    "email.display_status": .emailDisplayStatus,
    "name_source": .nameSource,
    "name_sync_state": .nameSyncState,
    "gender": .gender,
    "gender_source": .genderSource,
    "engagement_level": .engagementLevel,
    "acquisition_source": .acquisitionSource,
  ]
  /// `ContactFields` (the writable fields of create and update).
  static let contactFields: EnumPaths = [
    "gender": .gender, "email_status": .emailStatus, "whatsapp_status": .whatsAppStatus,
  ]
  static let historyEntry: EnumPaths = ["origin": .contactOrigin]
  static let emailHit: EnumPaths = ["messaging_status": .emailStatus]
  static let importTask: EnumPaths = [
    "target": .importTarget, "key": .importKey, "source": .importSource, "status": .taskStatus,
  ]
  static let rowResult: EnumPaths = ["outcome": .rowOutcome]
  static let exportTask: EnumPaths = ["status": .taskStatus]

  // MARK: tags

  static let tag: EnumPaths = [
    "source": .tagSource, "created_via": .createdVia, "created_via_detail": .taggedVia,
    "expiry.mode": .expiryMode, "status": .tagStatus,
  ]
  static let contactTag: EnumPaths = [
    "tag_source": .tagSource, "origin": .tagOrigin, "ref_type": .refType,
    "first_tagged_via": .taggedVia, "last_tagged_via": .taggedVia,
  ]
  static let tagEvent: EnumPaths = [
    "tag_source": .tagSource, "action": .tagAction, "origin": .tagOrigin,
    "tagged_via": .taggedVia, "reason": .removeReason,
  ]
  static let bulkJob: EnumPaths = [
    "action": .bulkAction, "status": .bulkJobStatus, "tag_source": .tagSource,
  ]
  static let deleteResult: EnumPaths = ["outcome": .deleteOutcome]
  static let coverage: EnumPaths = ["points.state": .coverageState]

  // MARK: CDH application

  static let scopeOrg: EnumPaths = ["source": .tagSource]
  static let unifySettings: EnumPaths = scopeOrg.under("orgs").merging([
    "unify_keys.attribute": .unifyAttribute
  ]) { $1 }
  static let mergeState: EnumPaths = ["job.trigger": .reunifyTrigger, "job.status": .taskStatus]

  // MARK: admin

  static let channel: EnumPaths = [
    "type": .channelType, "status": .channelStatus,
    "email.sender_domains.status": .domainStatus, "email.sender_profiles.status": .profileStatus,
  ]
  static let senderDomain: EnumPaths = [
    "status": .domainStatus, "mail_cname_status": .checkStatus, "dkim1_status": .checkStatus,
    "dkim2_status": .checkStatus, "dmarc_status": .checkStatus,
  ]
  static let senderProfile: EnumPaths = ["status": .profileStatus]
}
