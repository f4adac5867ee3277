import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A local HTTP/1.1 server on a real socket that plays the subset of LINE's Messaging API the
/// contacts LINE adapter uses: `GET /v2/bot/profile/{userId}` with a bearer channel token,
/// answering `{"userId", "displayName", "pictureUrl"}`, 404 for unknown users and 401 for a
/// wrong token, and `GET /v2/bot/info` (the credential check). It can be told to fail or stall the next requests (LINE down or slow).
final class StandInLineAPI: Sendable {
  enum Trouble: Sendable {
    /// Answer this HTTP status.
    case status(Int)
    /// Answer correctly, but only after this delay.
    case delay(Duration)
  }

  struct State: Sendable {
    var profiles: [String: String] = [:]
    var trouble: Trouble?
    /// How many of the next requests get `trouble`; -1 = all of them.
    var troubledRequests = 0
    var requests: [(path: String, authorization: String?)] = []
  }

  let token: String
  let state = Mutex(State())
  private let channel: any Channel

  var baseURL: URL { URL(string: "http://127.0.0.1:\(channel.localAddress?.port ?? 0)")! }

  private init(token: String, channel: any Channel) {
    self.token = token
    self.channel = channel
  }

  static func start(token: String) async throws -> StandInLineAPI {
    let holder = Holder()
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
          try channel.pipeline.syncOperations.addHandler(ProfileHandler(api: holder))
        }
      }
      .bind(host: "127.0.0.1", port: 0)
      .get()
    let api = StandInLineAPI(token: token, channel: channel)
    holder.api.withLock { $0 = api }
    return api
  }

  func close() async {
    try? await channel.close()
  }

  /// The next `count` requests (-1: all until changed) meet `trouble`.
  func trouble(_ trouble: Trouble?, count: Int = -1) {
    state.withLock {
      $0.trouble = trouble
      $0.troubledRequests = trouble == nil ? 0 : count
    }
  }

  func setProfile(_ userID: String, name: String) {
    state.withLock { $0.profiles[userID] = name }
  }

  var requestCount: Int { state.withLock { $0.requests.count } }
  var requests: [(path: String, authorization: String?)] { state.withLock { $0.requests } }

  /// Decides the answer to one request: status, body, delay.
  func answer(path: String, authorization: String?) -> (Int, String, Duration?) {
    state.withLock { state in
      state.requests.append((path, authorization))
      var delay: Duration?
      if let trouble = state.trouble, state.troubledRequests != 0 {
        if state.troubledRequests > 0 { state.troubledRequests -= 1 }
        switch trouble {
        case .status(let status): return (status, #"{"message":"stand-in trouble"}"#, nil)
        case .delay(let pause): delay = pause
        }
      }
      guard authorization == "Bearer \(token)" else {
        return (401, #"{"message":"Authentication failed"}"#, delay)
      }
      if path == "/v2/bot/info" {
        return (200, #"{"userId":"Ubot","basicId":"@standin","displayName":"Stand-in OA"}"#, delay)
      }
      let prefix = "/v2/bot/profile/"
      guard path.hasPrefix(prefix) else { return (404, #"{"message":"Not found"}"#, delay) }
      let userID = String(path.dropFirst(prefix.count))
      guard let name = state.profiles[userID] else {
        return (404, #"{"message":"Not found"}"#, delay)
      }
      let body = try! JSONSerialization.data(withJSONObject: [
        "userId": userID, "displayName": name,
        "pictureUrl": "https://profile.line-scdn.net/\(userID)",
      ])
      return (200, String(decoding: body, as: UTF8.self), delay)
    }
  }

  final class Holder: Sendable {
    let api = Mutex<StandInLineAPI?>(nil)
  }
}

private final class ProfileHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let api: StandInLineAPI.Holder
  var head: HTTPRequestHead?

  init(api: StandInLineAPI.Holder) {
    self.api = api
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head): self.head = head
    case .body: break
    case .end:
      guard let head, let api = api.api.withLock({ $0 }) else { return }
      let (status, body, delay) = api.answer(
        path: head.uri, authorization: head.headers.first(name: "authorization"))
      let keepAlive = head.isKeepAlive
      let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
      let respond: @Sendable () -> Void = {
        let context = bound.value
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.utf8.count))
        let response = HTTPResponseHead(
          version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(response)), promise: nil)
        context.write(
          NIOAny(
            HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(string: body)))
          ), promise: nil)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
          if !keepAlive { bound.value.close(promise: nil) }
        }
      }
      if let delay {
        context.eventLoop.scheduleTask(
          in: .nanoseconds(
            Int64(delay.components.seconds) * 1_000_000_000 + delay.components.attoseconds
              / 1_000_000_000)
        ) { respond() }
      } else {
        respond()
      }
    }
  }
}
