/// Everything the detector keeps for one series: its window on the time grid, its normalisation,
/// its alert state machine and where its windows go.
struct SeriesState {
    /// The series key (for alerts, model files and logs; made once per series).
    let key: String
    /// The group the series was routed to on first sight.
    let group: Int
    /// The model slot of the group that scores the series (0 for a shared model).
    let slot: Int
    /// The last `window` steps.
    var window: SeriesWindow
    /// The per-series normalisation; nil until a model covering the series exists, or until its
    /// first full window when it arrived after the last training.
    var scaler: RobustScaler?
    /// The alert episode state machine.
    var tracker: AlertTracker
    /// Steps appended since the last window was queued (the stride counter).
    var stepsSinceQueued: Int
}
