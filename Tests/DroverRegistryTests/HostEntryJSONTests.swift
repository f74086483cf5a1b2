import DroverRegistry
import DroverSupervisorCore
import Testing

@Suite("A registry entry's wire form")
struct HostEntryJSONTests {
    let entry = HostEntry(instance: "host-a-41", workers: [
        RegisteredWorker(worker: WorkerID(rawValue: "host-a-41-w1.1"), key: "host-a-41-w1", activeJobs: 3,
                         overloaded: false, routable: true, breaker: "closed"),
        RegisteredWorker(worker: WorkerID(rawValue: "host-a-41-w2.4"), key: "host-a-41-w2", activeJobs: 8,
                         overloaded: true, routable: false, breaker: "open"),
    ])

    @Test("an entry reads back as written")
    func roundTrip() throws {
        #expect(try HostEntry(decoding: entry.encoded()) == entry)
    }

    @Test("only routable workers become route candidates")
    func candidates() {
        #expect(entry.workers.compactMap(\.candidate).map(\.worker.rawValue) == ["host-a-41-w1.1"])
    }

    @Test("a bad entry is refused with the field it got wrong", arguments: [
        ("", "not JSON"),
        ("[1,2]", "not a JSON object"),
        (#"{"v":2,"instance":"a","workers":[]}"#, "v: expected 1"),
        (#"{"v":1,"workers":[]}"#, "instance"),
        (#"{"v":1,"instance":"has space","workers":[]}"#, "instance"),
        (#"{"v":1,"instance":"a"}"#, "workers: expected an array"),
        (#"{"v":1,"instance":"a","workers":[7]}"#, "workers[0]: expected an object"),
        (#"{"v":1,"instance":"a","workers":[{"id":"w","key":"k","active":-1,"overloaded":false,"routable":true}]}"#, "workers[0].active"),
        (#"{"v":1,"instance":"a","workers":[{"id":"w","key":"k","active":0,"overloaded":"no","routable":true}]}"#, "workers[0]: overloaded"),
        (#"{"v":1,"instance":"a","workers":[{"key":"k","active":0,"overloaded":false,"routable":true}]}"#, "workers[0].id"),
    ])
    func badEntries(text: String, complaint: String) {
        do {
            _ = try HostEntry(decoding: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(complaint), "\(error)")
        }
    }
}
