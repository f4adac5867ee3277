internal import NIOCore

/// The inbound message sequence's demand signals, forwarded to the connection's event loop.
struct StreamDemandDelegate: NIOAsyncSequenceProducerDelegate {
  let onProduceMore: @Sendable () -> Void
  let onTerminate: @Sendable () -> Void

  func produceMore() { self.onProduceMore() }
  func didTerminate() { self.onTerminate() }
}

/// The message sequence a stream hands to GRPCCore. Buffers a few messages before it stops
/// opening the HTTP/2 stream window, which is what slows a fast sender down to its reader.
typealias InboundProducer<Element: Sendable> = NIOThrowingAsyncSequenceProducer<
  Element, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark,
  StreamDemandDelegate
>

enum InboundBuffering {
  static var strategy: NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark {
    .init(lowWatermark: 2, highWatermark: 8)
  }
}
