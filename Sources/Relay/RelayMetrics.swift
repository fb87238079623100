package import Metrics
package import Prometheus

/// The relay's metrics, OpenTelemetry-style names (Prometheus shows dots as underscores). Made from a factory, not
/// the global metrics system, so every relay (and every test) has its own registry.
package struct RelayMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let pushes: Metrics.Counter
    let sequenced: Metrics.Counter
    let batchSize: Metrics.Recorder
    let pullWaiters: Metrics.Meter
    let head: Metrics.Meter

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
        self.factory = factory
        pushes = Metrics.Counter(label: "hutsync.relay.pushes", factory: factory)
        sequenced = Metrics.Counter(label: "hutsync.relay.entries.sequenced", factory: factory)
        batchSize = Metrics.Recorder(label: "hutsync.relay.batch.size", aggregate: true, factory: factory)
        pullWaiters = Metrics.Meter(label: "hutsync.relay.pull.waiters", factory: factory)
        head = Metrics.Meter(label: "hutsync.relay.head.seq", factory: factory)
    }

    /// The duration of one request, by route and status class.
    func requestTimer(route: String, status: Int) -> Metrics.Timer {
        Metrics.Timer(
            label: "hutsync.relay.request.duration", dimensions: [("route", route), ("status", "\(status / 100)xx")],
            factory: factory)
    }

    /// The Prometheus text exposition.
    package func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
