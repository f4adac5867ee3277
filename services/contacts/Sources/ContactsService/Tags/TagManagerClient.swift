import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// One name's answer from the tag manager's `EnsureTags` (C26, tags.md T19).
public enum EnsuredTag: Hashable, Sendable {
  /// The tag exists (created now or before) under this id.
  case tag(id: Int64)
  /// The tag manager refused the name, with its reason (e.g. `TAG_NAME_INVALID_CHARS`).
  case invalid(reason: String)
}

/// The two tag-manager calls an import needs (C26). A protocol at the seam: the relay is
/// tested against the real tags service through ``GRPCTagManagerClient``.
public protocol TagManagerClient: Sendable {
  /// `EnsureTags`: one answer per name, in request order (at most 500 names).
  func ensureTags(
    _ names: [String], createdVia: String, taggedVia: String, organizationID: Int64
  ) async throws -> [EnsuredTag]

  /// `AttachTags` for every pair of `contactIDs` × `tagIDs` (at most 1,000 contacts, 50 tags),
  /// under `idempotencyKey` so that a repeated call attaches nothing twice.
  func attachTags(
    contactIDs: [Int64], tagIDs: [Int64], taggedVia: String, idempotencyKey: String,
    reference: String, organizationID: Int64
  ) async throws
}

/// ``TagManagerClient`` over the tag manager's gRPC API (`maac.tags.v1.TagManagerService`).
public struct GRPCTagManagerClient: TagManagerClient {
  let client: GRPCClient<NGHTTP2ClientTransport>

  /// Calls through `client`, whose connections the caller runs.
  public init(client: GRPCClient<NGHTTP2ClientTransport>) {
    self.client = client
  }

  static func metadata(_ organizationID: Int64) -> Metadata {
    CallerContext(
      organizationID: organizationID, userID: "system:contacts", requestID: RequestID.generate()
    ).metadata
  }

  static func createdVia(_ value: String) -> Maac_Tags_V1_CreatedVia {
    value == "api" ? .api : .maac
  }

  static func taggedVia(_ value: String) -> Maac_Tags_V1_TaggedVia {
    value == "open_api" ? .openApi : .import
  }

  public func ensureTags(
    _ names: [String], createdVia: String, taggedVia: String, organizationID: Int64
  ) async throws -> [EnsuredTag] {
    var request = Maac_Tags_V1_EnsureTagsRequest()
    request.names = names
    request.createdVia = Self.createdVia(createdVia)
    request.createdViaDetail = Self.taggedVia(taggedVia)
    let response = try await Maac_Tags_V1_TagManagerService.Client(wrapping: client).ensureTags(
      request, metadata: Self.metadata(organizationID))
    guard response.results.count == names.count else {
      throw RPCError(
        code: .internalError,
        message: "EnsureTags answered \(response.results.count) results for \(names.count) names")
    }
    return response.results.map { result in
      result.outcome == .invalid
        ? .invalid(reason: result.errorReason.isEmpty ? "TAG_NAME_INVALID" : result.errorReason)
        : .tag(id: result.tag.id)
    }
  }

  public func attachTags(
    contactIDs: [Int64], tagIDs: [Int64], taggedVia: String, idempotencyKey: String,
    reference: String, organizationID: Int64
  ) async throws {
    var request = Maac_Tags_V1_AttachTagsRequest()
    request.contactIds = contactIDs
    request.tagIds = tagIDs
    request.taggedVia = Self.taggedVia(taggedVia)
    request.idempotencyKey = idempotencyKey
    request.ref.kind = "contact_import"
    request.ref.id = reference
    // Per-pair outcomes (attached, reapplied, duplicate request, contact deleted, tag expired)
    // are all final for an import: tags are only ever added (C26), so nothing is retried.
    _ = try await Maac_Tags_V1_TagManagerService.Client(wrapping: client).attachTags(
      request, metadata: Self.metadata(organizationID))
  }
}
