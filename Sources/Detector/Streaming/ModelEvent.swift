/// A model's life event, published on topic `model.<group>` with `"kind":"model"` (docs/DESIGN.md §4).
public struct ModelEvent: Equatable, Sendable {
    /// What happened.
    public enum Action: String, Sendable {
        /// A training run finished and its model was swapped in.
        case trained
        /// A training run finished but its model was refused (non-finite or much worse loss).
        case rejected
        /// A model was loaded from disk.
        case loaded
    }

    /// What happened.
    public var action: Action
    /// The group name.
    public var group: String
    /// The series key for a per-series model, nil for a shared one.
    public var series: String?
    /// The model version now in use (unchanged on `rejected`).
    public var version: Int
    /// Windows the model was trained on.
    public var trainingWindows: Int
    /// Mean negative log-likelihood per observed point on the held-out windows.
    public var validationLoss: Double
    /// Why a model was rejected; empty otherwise.
    public var reason: String

    /// Creates an event.
    public init(action: Action, group: String, series: String?, version: Int, trainingWindows: Int,
                validationLoss: Double, reason: String = "") {
        self.action = action
        self.group = group
        self.series = series
        self.version = version
        self.trainingWindows = trainingWindows
        self.validationLoss = validationLoss
        self.reason = reason
    }

    /// The docs/DESIGN.md §4 JSON object.
    public var json: String {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"kind":"model","event":"#.utf8)
        AlertJSONEncoder.appendString(action.rawValue, to: &out)
        out.append(contentsOf: #","group":"#.utf8)
        AlertJSONEncoder.appendString(group, to: &out)
        if let series {
            out.append(contentsOf: #","series":"#.utf8)
            AlertJSONEncoder.appendString(series, to: &out)
        }
        out.append(contentsOf: #","version":"#.utf8)
        AlertJSONEncoder.appendInteger(version, to: &out)
        out.append(contentsOf: #","training_windows":"#.utf8)
        AlertJSONEncoder.appendInteger(trainingWindows, to: &out)
        out.append(contentsOf: #","validation_loss":"#.utf8)
        AlertJSONEncoder.appendNumber(validationLoss, to: &out)
        if !reason.isEmpty {
            out.append(contentsOf: #","reason":"#.utf8)
            AlertJSONEncoder.appendString(reason, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
