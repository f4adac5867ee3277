import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// Where the LINE adapter gets a channel's access token: admin center owns credentials (A22).
public protocol LineChannelTokens: Sendable {
  /// The channel access token of LINE channel `channelID`, or `nil` when none is stored.
  func accessToken(organizationID: Int64, channelID: Int64) async throws -> String?
}

/// Tokens given as configuration (single-service runs, tests).
public struct StaticLineChannelTokens: LineChannelTokens {
  public var tokens: [Int64: String]

  public init(_ tokens: [Int64: String]) {
    self.tokens = tokens
  }

  public func accessToken(organizationID: Int64, channelID: Int64) async throws -> String? {
    tokens[channelID]
  }
}

/// Tokens from admin center's `AdminInternal/GetChannelCredentials`.
public struct AdminLineChannelTokens: LineChannelTokens {
  let client: GRPCClient<NGHTTP2ClientTransport>

  public init(client: GRPCClient<NGHTTP2ClientTransport>) {
    self.client = client
  }

  public func accessToken(organizationID: Int64, channelID: Int64) async throws -> String? {
    var request = Maac_Admin_V1_GetChannelCredentialsRequest()
    request.channelID = channelID
    let metadata = CallerContext(
      organizationID: organizationID, userID: "system:contacts",
      requestID: CallerContext.current?.requestID ?? RequestID.generate()
    ).metadata
    let admin = Maac_Admin_V1_AdminInternal.Client(wrapping: client)
    do {
      let credentials = try await admin.getChannelCredentials(request, metadata: metadata)
      guard case .line(let line) = credentials.credentials, !line.channelAccessToken.isEmpty
      else { return nil }
      return line.channelAccessToken
    } catch let error as RPCError where error.code == .notFound || error.code == .failedPrecondition
    {
      return nil
    }
  }
}
