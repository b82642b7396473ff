import Detector
import Testing

@Suite struct SeriesIndexTests {
    @Test func insertsAndFindsKeys() {
        var index = SeriesIndex(capacity: 100_000)
        for i in 0..<50_000 {
            #expect(index.insert("servers.web\(i).cpu") == i)
        }
        #expect(index.count == 50_000)
        for i in stride(from: 0, to: 50_000, by: 7) {
            #expect(index.id(of: "servers.web\(i).cpu") == i)
            #expect(index.insert("servers.web\(i).cpu") == i)
        }
        #expect(index.id(of: "servers.web50000.cpu") == nil)
        #expect(index.key(of: 12_345) == "servers.web12345.cpu")
        #expect(index.count == 50_000)
    }

    @Test func distinguishesPrefixesAndEmptyKey() {
        var index = SeriesIndex(capacity: 10)
        #expect(index.insert("a") == 0)
        #expect(index.insert("ab") == 1)
        #expect(index.insert("") == 2)
        #expect(index.id(of: "a") == 0)
        #expect(index.id(of: "ab") == 1)
        #expect(index.id(of: "") == 2)
        #expect(index.id(of: "abc") == nil)
    }

    @Test func refusesNewKeysBeyondCapacity() {
        var index = SeriesIndex(capacity: 3)
        #expect(index.insert("a") == 0)
        #expect(index.insert("b") == 1)
        #expect(index.insert("c") == 2)
        #expect(index.insert("d") == nil)
        #expect(index.insert("b") == 1)
        #expect(index.count == 3)
    }

    @Test func keysWithMultibyteUTF8() {
        var index = SeriesIndex(capacity: 10)
        #expect(index.insert("pompe-7,site=Zürich") == 0)
        #expect(index.key(of: 0) == "pompe-7,site=Zürich")
        #expect(index.id(of: "pompe-7,site=Zurich") == nil)
    }
}
