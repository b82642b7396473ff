/// Receives what a ``StreamingDetector`` produces, on the thread that drives it.
///
/// Called synchronously from ``StreamingDetector/flush()`` (windows and alerts) and
/// ``StreamingDetector/install(_:)`` (model events); an implementation should hand the data on
/// (publish, append to a buffer) and return quickly. Every method has an empty default.
public protocol DetectorSink: AnyObject {
    /// One scored window, in stream order per series.
    func detector(_ detector: StreamingDetector, scored result: WindowResult)
    /// An alert message (open, ongoing, resolved) to publish.
    func detector(_ detector: StreamingDetector, alert: AlertMessage)
    /// A model was trained, rejected or loaded.
    func detector(_ detector: StreamingDetector, model event: ModelEvent)
}

extension DetectorSink {
    public func detector(_ detector: StreamingDetector, scored result: WindowResult) {}
    public func detector(_ detector: StreamingDetector, alert: AlertMessage) {}
    public func detector(_ detector: StreamingDetector, model event: ModelEvent) {}
}
