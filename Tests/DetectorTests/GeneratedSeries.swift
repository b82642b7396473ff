import Foundation
@testable import Detector

/// Series whose truth is known: clean shapes an operator sees every day, and copies of them with
/// one injected anomaly (docs/QUALITY.md, "Generated series").
///
/// Every shape's noise is Gaussian truncated at 4σ (a Poisson count is itself the noise): a clean
/// series holds nothing an operator would call anomalous, so any episode on it is a false alarm.
/// σ is the shape's noise at each point, the unit of the injected spike (10σ) and level shift (8σ).
enum GeneratedShape: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A daily sine with noise.
    case sine
    /// A daily sine whose amplitude drops to 30 % at weekends.
    case weekly
    /// White noise around a level.
    case noise
    /// A daily sine on a slow upward trend.
    case trend
    /// Poisson counts with a daily cycle.
    case counts
    /// Office hours: a high level 09:00–17:00 on weekdays, a low one otherwise.
    case office

    var description: String { rawValue }
}

/// What a generated series carries.
enum Injection: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Nothing.
    case clean
    /// One point 10σ off (up or down) at the injection row.
    case spike
    /// Every point from the injection row on moved by 8σ, for good.
    case shift

    var description: String { rawValue }
}

/// One generated series: its values on a regular grid of `step` seconds from a Monday 00:00 UTC.
struct GeneratedSeries {
    let shape: GeneratedShape
    let injection: Injection
    let step: Double
    let values: [Double]
    /// The row of the injected anomaly (nil for a clean series).
    let anomalyRow: Int?
    /// The time of row `i`.
    func time(_ i: Int) -> Double { GeneratedSeries.origin + Double(i) * step }

    /// 2023-11-13 00:00 UTC, a Monday.
    static let origin = 1_699_833_600.0

    init(_ shape: GeneratedShape, _ injection: Injection, step: Double, rows: Int, seed: UInt64) {
        self.shape = shape
        self.injection = injection
        self.step = step
        var rng = SeededRandom(seed: seed &* 7919 &+ UInt64(step))
        func gaussian() -> Double {
            let u1 = rng.nextOpenUnit(), u2 = rng.nextOpenUnit()
            return min(max((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2), -4), 4)
        }
        var values = [Double](), sigma = [Double]()
        for i in 0..<rows {
            let t = GeneratedSeries.origin + Double(i) * step
            let hour = t.truncatingRemainder(dividingBy: 86_400) / 3600
            let weekday = Int(((t - GeneratedSeries.origin) / 86_400).rounded(.down)) % 7  // 0 = Monday
            let daily = sin(2 * .pi * hour / 24)
            switch shape {
            case .sine:
                values.append(10 + 5 * daily + gaussian()); sigma.append(1)
            case .weekly:
                values.append(10 + 5 * daily * (weekday >= 5 ? 0.3 : 1) + gaussian()); sigma.append(1)
            case .noise:
                values.append(50 + 2 * gaussian()); sigma.append(2)
            case .trend:
                values.append(10 + 20 * Double(i) / Double(rows) + 5 * daily + gaussian()); sigma.append(1)
            case .counts:
                let mean = (20 + 15 * sin(2 * .pi * (hour - 6) / 24)) * step / 300
                values.append(Double(Self.poisson(mean, &rng))); sigma.append(max(mean, 1).squareRoot())
            case .office:
                let open = weekday < 5 && hour >= 9 && hour < 17
                values.append((open ? 80 : 20) + 2 * gaussian()); sigma.append(2)
            }
        }
        // Injected after the first model (a day and more) and well before the end, at a point of
        // the series chosen by the seed.
        let row = Int(Double(rows) * (0.55 + 0.3 * rng.nextOpenUnit()))
        let up = shape == .counts || rng.nextOpenUnit() < 0.5
        switch injection {
        case .clean:
            anomalyRow = nil
        case .spike:
            values[row] += (up ? 10 : -10) * sigma[row]
            anomalyRow = row
        case .shift:
            for i in row..<rows { values[i] += (up ? 8 : -8) * sigma[i] }
            anomalyRow = row
        }
        self.values = values
    }

    /// A Poisson draw by inversion (means up to a few hundred).
    static func poisson(_ mean: Double, _ rng: inout SeededRandom) -> Int {
        let u = rng.nextOpenUnit()
        var k = 0, p = exp(-mean), cumulative = p
        while u > cumulative && k < 10_000 {
            k += 1
            p *= mean / Double(k)
            cumulative += p
        }
        return k
    }
}

/// What the detector did with one generated series.
struct GeneratedRun {
    /// The rows at which an episode opened.
    var opens: [Int] = []
    /// The rows at which an episode resolved.
    var resolves: [Int] = []
    /// The stream times of the `ongoing` messages of each episode, by episode id.
    var ongoing: [String: [Double]] = [:]

    /// Runs `series` through a detector of `group` as `anomalyd detect` does (training inline).
    init(_ series: GeneratedSeries, group base: GroupConfiguration = GroupConfiguration()) throws {
        var group = base
        group.match = "*"
        let (detector, sink) = recordingDetector([group])
        for (i, value) in series.values.enumerated() {
            let record = TestRecord(series: "generated", time: series.time(i), fields: [("value", value)])
            _ = detector.ingest(record, receivedAt: 0)
            detector.flush()
            while let job = detector.nextTrainingJob() { detector.install(try job.run()) }
        }
        for alert in sink.alerts {
            let row = Int(((alert.event.time - GeneratedSeries.origin) / series.step).rounded())
            switch alert.event.state {
            case .open: opens.append(row)
            case .resolved: resolves.append(row)
            case .ongoing: ongoing[alert.event.episodeID, default: []].append(alert.event.time)
            }
        }
    }
}
