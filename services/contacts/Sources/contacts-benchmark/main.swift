try await Benchmark.run()
