import Foundation
import Testing

/// `anomalyd tune` with the real binary on two short NAB files and on a small SKAB-shaped file.
@Suite struct TuneCommandTests {
    private static let files = ["realAdExchange/exchange-3_cpc_results.csv", "realTraffic/speed_7578.csv"]

    /// Rows of the printed table: (window, latent, metric value).
    private func tableRows(_ stdout: String) -> [(window: Int, latent: Int, value: Double)] {
        stdout.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: " ")
            guard cells.count >= 6, Int(cells[0]) != nil, let w = Int(cells[1]), let l = Int(cells[2]),
                  let v = Double(cells[5]) else { return nil }
            return (w, l, v)
        }
    }

    /// The grid is run and ranked; the best is printed as TOML and written as a config that
    /// `check-config` accepts; and `detect` + `evaluate` with that config reproduce its score,
    /// so tune measures exactly what evaluate does.
    @Test func tuneRanksTheGridAndItsBestReproducesUnderEvaluate() throws {
        let data = fixtures
        let directory = try TemporaryDirectory()
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        let labels = data + "/nab/combined_windows.json"
        let paths = Self.files.map { data + "/nab/data/" + $0 }
        let best = directory.path("best.toml"), table = directory.path("grid.csv")
        let result = try AnomalydProcess.run(
            ["tune", "--config", config, "--labels", labels, "--metric", "nab-standard", "--window", "12,16",
             "--latent", "2", "--out", table, "--write-config", best] + paths, timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stderr)")
        // No progress bar when stderr is not a terminal.
        #expect(!result.stderr.contains("tune ["))
        let rows = tableRows(result.stdout)
        #expect(rows.count == 2, "\(result.stdout)")
        #expect(Set(rows.map(\.window)) == [12, 16])
        #expect(rows.map(\.value) == rows.map(\.value).sorted(by: >))
        #expect(result.stdout.contains("# best by nab-standard"))
        #expect(result.stdout.contains("[[group]]\nwindow = \(rows[0].window)\n"))
        let csv = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "window,latent,beta,false_alarms,nab-standard,nab-low-fp,nab-low-fn,event-f1")
        #expect(csv.count == 3)
        #expect(csv[1].hasPrefix("\(rows[0].window),2,"))

        #expect(try AnomalydProcess.run(["check-config", "--config", best]).status == 0)
        let written = try String(contentsOfFile: best, encoding: .utf8)
        #expect(written.contains("window = \(rows[0].window)\n") && written.contains("latent = 2\n"))
        #expect(written.contains("hidden = [16]"))  // the rest of the base group is kept

        for name in Self.files {
            try FileManager.default.createDirectory(
                atPath: directory.path("results/" + name).components(separatedBy: "/").dropLast().joined(separator: "/"),
                withIntermediateDirectories: true)
            let run = try AnomalydProcess.run(["detect", data + "/nab/data/" + name, "--config", best,
                                               "--out", directory.path("results/" + name)])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let evaluation = try AnomalydProcess.run(["evaluate", "--results", directory.path("results"), "--labels", labels])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let line = evaluation.stdout.split(separator: "\n").first { $0.hasPrefix("nab.standard ") }
        let score = line.flatMap { Double($0.split(separator: " ")[1]) }
        #expect(score != nil && abs(score! - rows[0].value) < 0.006, "\(evaluation.stdout) vs \(rows[0])")
    }

    /// Point-wise F1 from a label column of the files themselves, which is never a field.
    @Test func pointF1UsesTheLabelColumn() throws {
        let directory = try TemporaryDirectory()
        let csv = directory.path("pump.csv")
        var text = "datetime;a;b;anomaly\n"
        for i in 0..<600 {
            let t = String(format: "2020-03-09 %02d:%02d:%02d", i / 3600, i / 60 % 60, i % 60)
            let anomalous = i >= 480 && i < 520
            let a = sin(Double(i) / 4) + (anomalous ? 4 : 0)
            text += "\(t);\(a);\(cos(Double(i) / 7));\(anomalous ? 1 : 0)\n"
        }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try AnomalydProcess.run(
            ["tune", "--config", config, "--labels-column", "anomaly", "--metric", "point-f1", "--window", "16",
             "--latent", "2", "--false-alarms", "1,100", "--train-rows", "400", csv], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stderr)")
        let rows = tableRows(result.stdout)
        #expect(rows.count == 2, "\(result.stdout)")
        #expect(rows.allSatisfy { $0.value >= 0 && $0.value <= 1 })
        // A 4σ jump in 40 labelled rows is found at the better rate.
        #expect(rows[0].value > 0.1, "\(result.stdout)")
        #expect(result.stdout.contains("point-f1"))
    }

    @Test func metricsWithoutTheirLabelsAreUsageErrors() throws {
        #expect(try AnomalydProcess.run(["tune", "--metric", "point-f1", "x.csv"]).status == 64)
        #expect(try AnomalydProcess.run(["tune", "--metric", "nab-standard", "x.csv"]).status == 64)
        #expect(try AnomalydProcess.run(["tune", "--labels", "l.json", "--window", "1", "x.csv"]).status == 64)
        let help = try AnomalydProcess.run(["tune", "--help"])
        #expect(help.stdout.contains("no per-file tuning") || help.stdout.contains("nothing is tuned per file"))
    }
}

extension TuneCommandTests {
    /// A file that the NAB labels do not know is named on stderr and left out of the runs.
    @Test func unlabelledFilesAreSkippedByName() throws {
        let data = fixtures
        let directory = try TemporaryDirectory()
        let config = directory.path("small.toml")
        try smallConfig.write(toFile: config, atomically: true, encoding: .utf8)
        let stray = directory.path("stray.csv")
        try "timestamp,value\n1600000000,1\n1600000060,2\n".write(toFile: stray, atomically: true, encoding: .utf8)
        let result = try AnomalydProcess.run(
            ["tune", "--config", config, "--labels", data + "/nab/combined_windows.json", "--window", "16", "--latent", "2",
             data + "/nab/data/realTraffic/speed_7578.csv", stray], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "tune: \(stray): no labels, skipped\n")
        #expect(result.stdout.contains("over 1 files"))
        let only = try AnomalydProcess.run(
            ["tune", "--labels", data + "/nab/combined_windows.json", "--window", "16", "--latent", "2", stray])
        #expect(only.status == 1)
        #expect(only.stderr.hasSuffix("tune: no file matches a key of \(data)/nab/combined_windows.json\n"), "\(only.stderr)")
    }
}
