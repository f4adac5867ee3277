internal import CNGHTTP2
internal import NIOCore

/// Receives nghttp2's callbacks for one session. Implemented by the server and client
/// connection handlers; every call happens on the connection's event loop, inside
/// `NGHTTP2Session.receive` or `NGHTTP2Session.send`.
protocol NGHTTP2SessionDelegate: AnyObject {
  /// A HEADERS block begins on `streamID`.
  func sessionBeginHeaders(streamID: Int32, category: nghttp2_headers_category) -> Int32
  /// One header field of the block in progress.
  func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    -> Int32
  /// A complete frame arrived (HEADERS after the last field, DATA after its chunks, PING, ...).
  func sessionFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32
  /// Part of a DATA frame's payload for `streamID`.
  func sessionDataChunk(streamID: Int32, data: UnsafeRawBufferPointer) -> Int32
  /// `streamID` is closed; `errorCode` is the RST_STREAM/GOAWAY code or NO_ERROR.
  func sessionStreamClosed(streamID: Int32, errorCode: UInt32) -> Int32
  /// nghttp2 wants up to `buffer.count` DATA bytes for `streamID`. Returns the number written,
  /// or `NGHTTP2_ERR_DEFERRED` when nothing is queued yet; sets `flags` for end of data.
  func sessionReadData(
    streamID: Int32,
    into buffer: UnsafeMutableRawBufferPointer,
    flags: UnsafeMutablePointer<UInt32>
  ) -> Int
  /// A frame was serialized for sending.
  func sessionFrameSent(_ frame: UnsafePointer<nghttp2_frame>)
}

/// One nghttp2 session: the HTTP/2 state machine of one connection.
///
/// Not thread-safe by design: it is owned by a channel handler and only touched on that
/// channel's event loop. Bytes come in through `receive(_:)` (`nghttp2_session_mem_recv`) and
/// leave through `drain(into:)` (`nghttp2_session_mem_send`).
final class NGHTTP2Session {
  let pointer: OpaquePointer
  /// Unowned: the delegate owns the session and outlives it.
  unowned(unsafe) let delegate: any NGHTTP2SessionDelegate
  /// Data-provider stored once: its read callback finds the stream by ID.
  private(set) var dataProvider: nghttp2_data_provider

  enum Role {
    case server
    case client
  }

  struct Settings {
    var maxConcurrentStreams: UInt32?
    var initialWindowSize: UInt32
    var maxHeaderListSize: UInt32
    var connectionWindowSize: Int32
  }

  init(role: Role, delegate: any NGHTTP2SessionDelegate) {
    self.delegate = delegate
    self.dataProvider = nghttp2_data_provider(
      source: nghttp2_data_source(ptr: nil),
      read_callback: { _, streamID, buffer, length, flags, _, userData in
        let session = Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
        return session.delegate.sessionReadData(
          streamID: streamID,
          into: UnsafeMutableRawBufferPointer(start: buffer, count: length),
          flags: flags!
        )
      }
    )

    var callbacks: OpaquePointer?
    nghttp2_session_callbacks_new(&callbacks)
    defer { nghttp2_session_callbacks_del(callbacks) }

    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
      let session = Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
      guard let frame, frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue) else { return 0 }
      return session.delegate.sessionBeginHeaders(
        streamID: frame.pointee.hd.stream_id,
        category: frame.pointee.headers.cat
      )
    }
    nghttp2_session_callbacks_set_on_header_callback(callbacks) {
      _, frame, name, nameLength, value, valueLength, _, userData in
      let session = Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
      guard let frame else { return 0 }
      return session.delegate.sessionHeader(
        streamID: frame.pointee.hd.stream_id,
        name: UnsafeRawBufferPointer(start: name, count: nameLength),
        value: UnsafeRawBufferPointer(start: value, count: valueLength)
      )
    }
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
      let session = Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
      guard let frame else { return 0 }
      return session.delegate.sessionFrameReceived(frame)
    }
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
      _, _, streamID, data, length, userData in
      let session = Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
      return session.delegate.sessionDataChunk(
        streamID: streamID,
        data: UnsafeRawBufferPointer(start: data, count: length)
      )
    }
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) {
      _, streamID, errorCode, userData in
      let session = Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
      return session.delegate.sessionStreamClosed(streamID: streamID, errorCode: errorCode)
    }
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, userData in
      let session = Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
      if let frame { session.delegate.sessionFrameSent(frame) }
      return 0
    }

    var option: OpaquePointer?
    nghttp2_option_new(&option)
    defer { nghttp2_option_del(option) }
    // Stream windows are opened as the application consumes messages (back-pressure).
    nghttp2_option_set_no_auto_window_update(option, 1)

    var session: OpaquePointer?
    // `self` is not fully initialized yet; allocate with a placeholder and fix user data below.
    switch role {
    case .server:
      nghttp2_session_server_new2(&session, callbacks, nil, option)
    case .client:
      nghttp2_session_client_new2(&session, callbacks, nil, option)
    }
    self.pointer = session!
    nghttp2_session_set_user_data(self.pointer, Unmanaged.passUnretained(self).toOpaque())
  }

  deinit {
    nghttp2_session_del(self.pointer)
  }

  /// Queues our SETTINGS frame (the first frame either side sends) and widens the
  /// connection-level receive window.
  func submitSettings(_ settings: Settings) {
    var entries: [nghttp2_settings_entry] = [
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
        value: settings.initialWindowSize
      ),
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
        value: settings.maxHeaderListSize
      ),
    ]
    if let maxConcurrentStreams = settings.maxConcurrentStreams {
      entries.append(
        nghttp2_settings_entry(
          settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
          value: maxConcurrentStreams
        )
      )
    }
    nghttp2_submit_settings(self.pointer, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
    nghttp2_session_set_local_window_size(
      self.pointer,
      UInt8(NGHTTP2_FLAG_NONE.rawValue),
      0,
      settings.connectionWindowSize
    )
  }

  /// Feeds received bytes to nghttp2; returns false on a connection-fatal error (nghttp2 has
  /// then queued a GOAWAY which `drain` will still write).
  func receive(_ buffer: ByteBuffer) -> Bool {
    buffer.withUnsafeReadableBytes { bytes in
      guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return true }
      let result = nghttp2_session_mem_recv(self.pointer, base, bytes.count)
      return result >= 0
    }
  }

  /// Serializes every frame nghttp2 has ready into `buffer`.
  /// Returns false on a fatal error.
  func drain(into buffer: inout ByteBuffer) -> Bool {
    while true {
      var data: UnsafePointer<UInt8>?
      let count = nghttp2_session_mem_send(self.pointer, &data)
      if count < 0 { return false }
      if count == 0 { return true }
      buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: count))
    }
  }

  /// Whether the session still wants to read or write; when both are false the connection is done.
  var isAlive: Bool {
    nghttp2_session_want_read(self.pointer) != 0 || nghttp2_session_want_write(self.pointer) != 0
  }

  /// Stream-level window: the application consumed `count` bytes of `streamID`'s DATA.
  func consumeStream(_ streamID: Int32, _ count: Int) {
    if count > 0 { nghttp2_session_consume_stream(self.pointer, streamID, count) }
  }

  /// Connection-level window: consumed as soon as bytes are handed to a stream, so one slow
  /// stream never starves the others.
  func consumeConnection(_ count: Int) {
    if count > 0 { nghttp2_session_consume_connection(self.pointer, count) }
  }

  func resumeData(_ streamID: Int32) {
    nghttp2_session_resume_data(self.pointer, streamID)
  }

  func resetStream(_ streamID: Int32, errorCode: UInt32) {
    nghttp2_submit_rst_stream(self.pointer, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
  }

  func submitPing() {
    nghttp2_submit_ping(self.pointer, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
  }

  func submitGoAway(lastStreamID: Int32, errorCode: UInt32) {
    nghttp2_submit_goaway(
      self.pointer,
      UInt8(NGHTTP2_FLAG_NONE.rawValue),
      lastStreamID,
      errorCode,
      nil,
      0
    )
  }

  var lastProcessedStreamID: Int32 {
    nghttp2_session_get_last_proc_stream_id(self.pointer)
  }

  var remoteMaxConcurrentStreams: UInt32 {
    nghttp2_session_get_remote_settings(self.pointer, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
  }
}
