import DroverConfig
import Testing

@Suite("Rules between keys")
struct CrossFieldValidationTests {
    /// One violation: the file, the key the error must name, and the reason it must give.
    struct Violation: Sendable, CustomTestStringConvertible {
        let yaml: String
        let keyPath: String
        let reason: String
        let line: Int?
        var testDescription: String { keyPath + ": " + reason }
    }

    static let violations: [Violation] = [
        Violation(yaml: "supervisor:\n  minWorkers: 1\n  maxWorkers: 0\n", keyPath: "supervisor.maxWorkers",
                  reason: "must be at least minWorkers (1), got 0", line: 3),
        Violation(yaml: "supervisor:\n  minWorkers: 4\n  maxWorkers: 3\n", keyPath: "supervisor.maxWorkers",
                  reason: "must be at least minWorkers (4), got 3", line: 3),
        Violation(yaml: "supervisor:\n  workers: 2\n  minWorkers: 3\n", keyPath: "supervisor.workers",
                  reason: "must be at least minWorkers (3), got 2", line: 2),
        Violation(yaml: "supervisor:\n  workers: 0\n", keyPath: "supervisor.workers",
                  reason: "must be at least minWorkers (1), got 0", line: 2),
        Violation(yaml: "supervisor:\n  workers: 9\n  maxWorkers: 8\n", keyPath: "supervisor.workers",
                  reason: "must be at most maxWorkers (8), got 9", line: 2),
        Violation(yaml: "supervisor:\n  minWorkers: 0\n", keyPath: "supervisor.minWorkers",
                  reason: "must be at least 1, got 0", line: 2),
        Violation(yaml: "supervisor:\n  heartbeatIntervalMs: 5000\n  hangTimeoutMs: 5000\n", keyPath: "supervisor.hangTimeoutMs",
                  reason: "must be greater than heartbeatIntervalMs (5000), got 5000", line: 3),
        Violation(yaml: "supervisor:\n  heartbeatIntervalMs: 40000\n", keyPath: "supervisor.hangTimeoutMs",
                  reason: "must be greater than heartbeatIntervalMs (40000), got 30000", line: nil),
        Violation(yaml: "supervisor:\n  restart:\n    backoffBaseMs: 5000\n    backoffMaxMs: 4000\n",
                  keyPath: "supervisor.restart.backoffMaxMs", reason: "must be at least backoffBaseMs (5000), got 4000", line: 4),
        Violation(yaml: "backpressure:\n  warningThreshold: 1000\n", keyPath: "backpressure.warningThreshold",
                  reason: "must be less than maxQueueDepth (1000), got 1000", line: 2),
        Violation(yaml: "backpressure:\n  priorityBuckets:\n    high: 30\n    normal: 50\n    low: 10\n",
                  keyPath: "backpressure.priorityBuckets",
                  reason: "must add up to 100, got 90 (high 30 + normal 50 + low 10)", line: 3),
        Violation(yaml: "queues:\n  retry:\n    baseMs: 1000\n    maxMs: 999\n", keyPath: "queues.retry.maxMs",
                  reason: "must be at least baseMs (1000), got 999", line: 4),
        Violation(yaml: "mode: distributed\n", keyPath: "redis.url",
                  reason: "must be set in distributed mode, where every host shares one Redis", line: 1),
        Violation(yaml: "supervisor:\n  hardMemoryFactor: 0.99\n", keyPath: "supervisor.hardMemoryFactor",
                  reason: "must be between 1.0 and 100.0, got 0.99", line: 2),
        Violation(yaml: "redis:\n  connectTimeoutMs: 0\n", keyPath: "redis.connectTimeoutMs",
                  reason: "must be between 1 and 315360000000, got 0", line: 2),
        Violation(yaml: "autoscale:\n  sampleIntervalMs: -5\n", keyPath: "autoscale.sampleIntervalMs",
                  reason: "must be between 1 and 315360000000, got -5", line: 2),
        Violation(yaml: "routing:\n  breaker:\n    failures: 0\n", keyPath: "routing.breaker.failures",
                  reason: "must be at least 1, got 0", line: 3),
    ]

    @Test(arguments: violations)
    func violationIsRefusedNamingTheKey(_ violation: Violation) throws {
        let fixture = try ConfigFixture()
        let file = try fixture.file(violation.yaml)
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: file, environment: [:])
        }
        #expect(error.keyPath == violation.keyPath)
        #expect(error.reason == violation.reason)
        #expect(error.line == violation.line)
    }

    @Test func boundaryValuesAreAccepted() throws {
        let fixture = try ConfigFixture()
        let file = try fixture.file("""
            mode: distributed
            redis:
              url: redis://redis.internal:6379/0
            supervisor:
              workers: 4
              minWorkers: 4
              maxWorkers: 4
              heartbeatIntervalMs: 1000
              hangTimeoutMs: 1001
              hardMemoryFactor: 1
              drainTimeoutS: 0
              restart:
                backoffBaseMs: 10
                backoffMaxMs: 10
            backpressure:
              warningThreshold: 0
              maxQueueDepth: 1
              priorityBuckets: {high: 100, normal: 0, low: 0}
            cache:
              l1MB: 0
            queues:
              retry: {baseMs: 5, maxMs: 5, jitter: 0}
            """)
        let config = try DroverConfiguration.load(file: file, environment: [:])
        #expect(config.supervisor.workers == .fixed(4))
        #expect(config.supervisor.hardMemoryFactor == 1)
        #expect(config.backpressure.priorityBuckets.high == 100)
        #expect(config.mode == .distributed)
    }

    @Test func crossFieldErrorFromTheEnvironmentNamesTheVariable() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: nil, environment: ["DROVER_SUPERVISOR_MAX_WORKERS": "0"])
        }
        #expect(error.description == "supervisor.maxWorkers: must be at least minWorkers (1), got 0 (from environment variable DROVER_SUPERVISOR_MAX_WORKERS)")
    }
}
