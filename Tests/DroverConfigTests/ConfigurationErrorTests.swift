import DroverConfig
import Testing

@Suite("Bad configuration input gives a clear error naming the key")
struct ConfigurationErrorTests {
    private func loadError(
        _ yaml: String, environment: [String: String] = [:], overrides: ConfigurationOverrides = .none
    ) throws -> ConfigurationError {
        let fixture = try ConfigFixture()
        let file = try fixture.file(yaml)
        return try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: file, environment: environment, overrides: overrides)
        }
    }

    @Test func missingFileIsNamed() throws {
        let fixture = try ConfigFixture()
        let path = fixture.directory.appendingPathComponent("absent.yaml").path
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: path, environment: [:])
        }
        #expect(error.code == .fileNotFound)
        #expect(error.keyPath == nil)
        #expect(error.description == "\(path): no such file")
    }

    @Test func directoryInsteadOfFileIsUnreadable() throws {
        let fixture = try ConfigFixture()
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: fixture.directory.path, environment: [:])
        }
        #expect(error.code == .fileUnreadable)
        #expect(error.reason.contains("is a directory"))
    }

    @Test func fileThatIsNotUTF8IsUnreadable() throws {
        let fixture = try ConfigFixture()
        let file = try fixture.bytes([0x6D, 0x6F, 0x64, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A], name: "latin1.yaml")
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: file, environment: [:])
        }
        #expect(error.code == .fileUnreadable)
        #expect(error.reason.contains("not UTF-8"))
    }

    @Test func invalidYAMLSyntaxGivesTheLine() throws {
        let error = try loadError("""
            supervisor:
              concurrency: 3
             maxWorkers: [1, 2
            """)
        #expect(error.code == .invalidSyntax)
        #expect(error.line == 3)
        #expect(error.reason.hasPrefix("invalid YAML"))
    }

    @Test func duplicateKeyIsASyntaxError() throws {
        let error = try loadError("cache:\n  l1MB: 1\n  l1MB: 2\n")
        #expect(error.code == .invalidSyntax)
        #expect(error.reason.contains("l1MB"))
        #expect(error.line != nil)
    }

    @Test func dottedKeyBesideItsNestedFormIsRefused() throws {
        let error = try loadError("cache:\n  l1MB: 1\ncache.l1MB: 2\n")
        #expect(error.code == .invalidSyntax)
        #expect(error.keyPath == "cache.l1MB")
        #expect(error.reason == "is set twice (first on line 2)")
        #expect(error.line == 3)
    }

    @Test func topLevelListIsRefused() throws {
        let error = try loadError("- mode\n- multi\n")
        #expect(error.code == .invalidSyntax)
        #expect(error.reason.contains("expected a mapping of keys at the top"))
    }

    @Test func wordWhereANumberBelongsIsAWrongType() throws {
        let error = try loadError("supervisor:\n  concurrency: \"lots\"\n")
        #expect(error.code == .wrongType)
        #expect(error.keyPath == "supervisor.concurrency")
        #expect(error.line == 2)
        #expect(error.description == #"supervisor.concurrency: expected a whole number, got "lots" (line 2)"#)
    }

    @Test func quotedNumberIsAWrongTypeThatSaysToDropTheQuotes() throws {
        let error = try loadError("supervisor:\n  concurrency: \"3\"\n")
        #expect(error.code == .wrongType)
        #expect(error.reason == #"expected a whole number, got "3"; quoted values are strings in YAML, so drop the quotes"#)
    }

    @Test func fractionWhereAWholeNumberBelongsIsAWrongType() throws {
        let error = try loadError("http:\n  bodyLimitBytes: 1.5\n")
        #expect(error.code == .wrongType)
        #expect(error.keyPath == "http.bodyLimitBytes")
    }

    @Test func wrongTypesOfEveryKindAreRefused() throws {
        let cases: [(yaml: String, key: String)] = [
            ("autoscale:\n  enabled: maybe\n", "autoscale.enabled"),
            ("supervisor:\n  hardMemoryFactor: big\n", "supervisor.hardMemoryFactor"),
            ("queues:\n  names: rag:ask\n", "queues.names"),
            ("http:\n  listen: [a, b]\n", "http.listen"),
            ("supervisor:\n  workers: many\n", "supervisor.workers"),
            ("supervisor:\n  restart: 5\n", "supervisor.restart"),
            ("cache:\n  l1MB:\n    size: 1\n", "cache.l1MB"),
            ("cache:\n  l1MB:\n", "cache.l1MB"),
            ("queues:\n  names:\n    - {a: 1}\n", "queues.names"),
        ]
        for (yaml, key) in cases {
            let error = try loadError(yaml)
            #expect(error.code == .wrongType, "\(yaml)")
            #expect(error.keyPath == key, "\(yaml)")
            #expect(error.line != nil, "\(yaml)")
        }
    }

    @Test func unknownKeySuggestsTheClosestKnownKey() throws {
        let error = try loadError("supervisor:\n  minWorkers: 1\n  maxWorker: 4\n")
        #expect(error.code == .unknownKey)
        #expect(error.keyPath == "supervisor.maxWorker")
        #expect(error.line == 3)
        #expect(error.description == "supervisor.maxWorker: unknown key; did you mean maxWorkers? (line 3)")
    }

    @Test func unknownSectionSuggestsTheClosestSection() throws {
        let error = try loadError("supervisr:\n  workers: 2\n")
        #expect(error.code == .unknownKey)
        #expect(error.keyPath == "supervisr")
        #expect(error.reason == "unknown section or key; did you mean supervisor?")
    }

    @Test func keyInTheWrongSectionSuggestsItsRealPlace() throws {
        let error = try loadError("supervisor:\n  l1MB: 5\n")
        #expect(error.keyPath == "supervisor.l1MB")
        #expect(error.reason == "unknown key; did you mean cache.l1MB?")
    }

    @Test func unknownKeyWithNothingCloseHasNoSuggestion() throws {
        let error = try loadError("http:\n  frobnicate: 1\n")
        #expect(error.code == .unknownKey)
        #expect(error.reason == "unknown key")
    }

    @Test func unknownFlagKeyIsRefused() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: nil, environment: [:], overrides: .init(values: ["supervisor.maxWorker": "3"]))
        }
        #expect(error.code == .unknownKey)
        #expect(error.source == .flag)
        #expect(error.description == "supervisor.maxWorker: unknown key; did you mean maxWorkers? (from the command line)")
    }

    @Test func outOfRangeValueIsRefused() throws {
        let error = try loadError("supervisor:\n  concurrency: 0\n")
        #expect(error.code == .invalidValue)
        #expect(error.description == "supervisor.concurrency: must be at least 1, got 0 (line 2)")
    }

    @Test func aBadRedisURLIsNamedWithoutItsPassword() throws {
        let error = try loadError("redis:\n  url: redis://app:hunter2@127.0.0.1:6379/abc\n")
        #expect(error.description.hasPrefix("redis.url: must be redis://"))
        #expect(!error.description.contains("hunter2"))
    }

    @Test func badValuesOfEveryFormatAreRefused() throws {
        let cases: [(yaml: String, key: String, reasonContains: String)] = [
            ("mode: cluster\n", "mode", "must be one of single, multi, distributed"),
            ("logging:\n  level: loud\n", "logging.level", "must be one of trace, debug, info"),
            ("redis:\n  url: http://x\n", "redis.url", "must be redis://"),
            ("redis:\n  url: redis://\n", "redis.url", "must be redis://"),
            ("redis:\n  url: redis://host:99999\n", "redis.url", "must be redis://"),
            ("redis:\n  url: unix://relative.sock\n", "redis.url", "unix:///path"),
            ("redis:\n  url: redis://127.0.0.1:6379/abc\n", "redis.url", "database \"abc\""),
            ("redis:\n  url: redis://127.0.0.1:6379/0/x\n", "redis.url", "must be redis://"),
            ("redis:\n  url: redis://127.0.0.1:6379?db=1\n", "redis.url", "only supported for unix://"),
            ("redis:\n  url: unix:///run/redis.sock?fast=1\n", "redis.url", "must be redis://"),
            ("http:\n  listen: localhost\n", "http.listen", "HOST:PORT"),
            ("http:\n  listen: \"127.0.0.1:65536\"\n", "http.listen", "0 to 65535"),
            ("http:\n  listen: \":8080\"\n", "http.listen", "HOST:PORT"),
            ("http:\n  auth:\n    token: \"two words\"\n", "http.auth.token", "printable ASCII"),
            ("http:\n  webhooks:\n    allowHosts: [\"https://x.example/\"]\n", "http.webhooks.allowHosts", "bare host name"),
            ("supervisor:\n  hardMemoryFactor: 0.5\n", "supervisor.hardMemoryFactor", "between 1.0 and 100.0"),
            ("backpressure:\n  cooldownMs: 99999999999999999\n", "backpressure.cooldownMs", "between 0 and"),
            ("queues:\n  retry:\n    maxMs: 9000000000000000000\n", "queues.retry.maxMs", "between 1 and"),
            ("supervisor:\n  runtimeDirectory: run/drover\n", "supervisor.runtimeDirectory", "absolute path"),
            ("backpressure:\n  priorityBuckets:\n    high: 101\n", "backpressure.priorityBuckets.high", "between 0 and 100"),
            ("queues:\n  names: [\"rag:ask\", \"rag:chat\"]\n", "queues.names", "\"rag:chat\" is not a queue"),
            ("queues:\n  names: [\"rag:ask\", \"rag:ask\"]\n", "queues.names", "twice"),
            ("queues:\n  names: []\n", "queues.names", "at least one queue"),
            ("queues:\n  retry:\n    jitter: 1.5\n", "queues.retry.jitter", "between 0.0 and 1.0"),
            ("queues:\n  idempotencyTTLS: 99999999999\n", "queues.idempotencyTTLS", "between 1 and"),
            // Redis refuses an expiry this far out, which would fail every enqueue: refused here instead.
            ("queues:\n  dedupWindowMs: 9223372036854775000\n", "queues.dedupWindowMs", "between 0 and"),
            ("queues:\n  leaseGraceMs: 9223372036854775000\n", "queues.leaseGraceMs", "between 0 and"),
            ("http:\n  bodyLimitBytes: -1\n", "http.bodyLimitBytes", "at least 1"),
        ]
        for (yaml, key, reason) in cases {
            let error = try loadError(yaml)
            #expect(error.code == .invalidValue, "\(yaml)")
            #expect(error.keyPath == key, "\(yaml)")
            #expect(error.reason.contains(reason), "\(yaml): \(error.reason)")
            #expect(error.line != nil, "\(yaml)")
        }
    }

    @Test func badEnvironmentValueNamesTheVariable() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: nil, environment: ["DROVER_SUPERVISOR_CONCURRENCY": "lots"])
        }
        #expect(error.code == .wrongType)
        #expect(error.keyPath == "supervisor.concurrency")
        #expect(error.source == .environment(variable: "DROVER_SUPERVISOR_CONCURRENCY"))
        #expect(error.description == #"supervisor.concurrency: expected a whole number, got "lots" (from environment variable DROVER_SUPERVISOR_CONCURRENCY)"#)
    }

    @Test func badFlagValueIsAttributedToTheCommandLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: nil, environment: [:], overrides: .init(listen: "nowhere"))
        }
        #expect(error.keyPath == "http.listen")
        #expect(error.source == .flag)
    }

    @Test func environmentFixesABadFileValueOnlyWhenItOverridesIt() throws {
        let fixture = try ConfigFixture()
        let file = try fixture.file("supervisor:\n  concurrency: lots\n")
        let fixed = try DroverConfiguration.load(file: file, environment: ["DROVER_SUPERVISOR_CONCURRENCY": "4"])
        #expect(fixed.supervisor.concurrency == 4)
    }

    @Test func tokenIsReadButNeverShownUnmasked() throws {
        let config = try DroverConfiguration.load(file: nil, environment: ["DROVER_HTTP_AUTH_TOKEN": "s3cret"])
        #expect(config.http.auth.token == "s3cret")
        #expect(!config.keyValues().contains { $0.value.contains("s3cret") })
    }
}
