import DroverConfig
import Testing

@Suite("Configuration precedence: defaults < file < environment < flags")
struct ConfigurationPrecedenceTests {
    @Test func fileBeatsDefaults() throws {
        let fixture = try ConfigFixture()
        let config = try DroverConfiguration.load(file: fixture.file("supervisor:\n  concurrency: 7\n"), environment: [:])
        #expect(config.supervisor.concurrency == 7)
        #expect(config.supervisor.maxMemoryMB == 512)
    }

    @Test func environmentBeatsFile() throws {
        let fixture = try ConfigFixture()
        let file = try fixture.file("""
            supervisor:
              concurrency: 7
              maxWorkers: 6
            redis:
              url: redis://file-host:6379
            """)
        let config = try DroverConfiguration.load(file: file, environment: [
            "DROVER_SUPERVISOR_CONCURRENCY": "9",
            "DROVER_REDIS_URL": "redis://env-host:6380/2",
        ])
        #expect(config.supervisor.concurrency == 9)
        #expect(config.redis.url == "redis://env-host:6380/2")
        #expect(config.supervisor.maxWorkers == .fixed(6))
    }

    @Test func flagsBeatEnvironment() throws {
        let fixture = try ConfigFixture()
        let file = try fixture.file("supervisor:\n  concurrency: 7\nhttp:\n  listen: 127.0.0.1:1\n")
        let environment = [
            "DROVER_SUPERVISOR_CONCURRENCY": "9",
            "DROVER_HTTP_LISTEN": "127.0.0.1:2",
            "DROVER_SUPERVISOR_WORKERS": "3",
            "DROVER_SUPERVISOR_MAX_WORKERS": "10",
            "DROVER_CACHE_L1MB": "5",
        ]
        let overrides = ConfigurationOverrides(
            mode: "single", redisURL: "unix:///tmp/r.sock?db=1", workers: "4", listen: "[::1]:9000",
            concurrency: 11, values: ["cache.l1MB": "6", "supervisor.concurrency": "99"])
        let config = try DroverConfiguration.load(file: file, environment: environment, overrides: overrides)
        #expect(config.mode == .single)
        #expect(config.redis.url == "unix:///tmp/r.sock?db=1")
        #expect(config.supervisor.workers == .fixed(4))
        #expect(config.http.listen == "[::1]:9000")
        #expect(config.http.listenHost == "::1")
        #expect(config.http.listenPort == 9000)
        // The typed field wins over the same key in `values`.
        #expect(config.supervisor.concurrency == 11)
        #expect(config.cache.l1MB == 6)
        #expect(config.supervisor.maxWorkers == .fixed(10))
    }

    @Test func ragProcessingModeSetsTheMode() throws {
        let fixture = try ConfigFixture()
        let file = try fixture.file("mode: multi\n")
        #expect(try DroverConfiguration.load(file: file, environment: ["RAG_PROCESSING_MODE": "single"]).mode == .single)
        #expect(try DroverConfiguration.load(file: nil, environment: ["RAG_PROCESSING_MODE": "single"]).mode == .single)
        let agreeing = ["RAG_PROCESSING_MODE": "single", "DROVER_MODE": "single"]
        #expect(try DroverConfiguration.load(file: file, environment: agreeing).mode == .single)
        let flagged = try DroverConfiguration.load(
            file: file, environment: ["RAG_PROCESSING_MODE": "single"], overrides: .init(mode: "multi"))
        #expect(flagged.mode == .multi)
    }

    @Test func disagreeingModeVariablesAreRefused() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: nil, environment: ["RAG_PROCESSING_MODE": "single", "DROVER_MODE": "multi"])
        }
        #expect(error.code == .inconsistent)
        #expect(error.keyPath == "mode")
        #expect(error.description.contains("RAG_PROCESSING_MODE=single"))
    }

    @Test func badRagProcessingModeNamesTheVariable() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try DroverConfiguration.load(file: nil, environment: ["RAG_PROCESSING_MODE": "cluster"])
        }
        #expect(error.code == .invalidValue)
        #expect(error.keyPath == "mode")
        #expect(error.source == .environment(variable: "RAG_PROCESSING_MODE"))
        #expect(error.description == #"mode: must be one of single, multi, distributed, got "cluster" (from environment variable RAG_PROCESSING_MODE)"#)
    }

    @Test func systemdDirectoriesAreTheDefaultsButTheFileWins() throws {
        let environment = ["RUNTIME_DIRECTORY": "/run/drover-a:/run/drover-b", "STATE_DIRECTORY": "/var/lib/drover-x"]
        let fromSystemd = try DroverConfiguration.load(file: ConfigFixture.shippedFile, environment: environment)
        #expect(fromSystemd.supervisor.runtimeDirectory == "/run/drover-a")
        #expect(fromSystemd.supervisor.stateDirectory == "/var/lib/drover-x")
        let fixture = try ConfigFixture()
        let file = try fixture.file("supervisor:\n  runtimeDirectory: /srv/run\n")
        let fromFile = try DroverConfiguration.load(file: file, environment: environment)
        #expect(fromFile.supervisor.runtimeDirectory == "/srv/run")
        #expect(fromFile.supervisor.stateDirectory == "/var/lib/drover-x")
    }

    @Test func environmentNamesAreTheUpperSnakeCasedKeyPaths() {
        #expect(ConfigurationEnvironment.variableName(for: "supervisor.maxWorkers") == "DROVER_SUPERVISOR_MAX_WORKERS")
        #expect(ConfigurationEnvironment.variableName(for: "redis.url") == "DROVER_REDIS_URL")
        #expect(ConfigurationEnvironment.variableName(for: "cache.l1MB") == "DROVER_CACHE_L1MB")
        #expect(ConfigurationEnvironment.variableName(for: "queues.idempotencyTTLS") == "DROVER_QUEUES_IDEMPOTENCY_TTLS")
        #expect(ConfigurationEnvironment.variableName(for: "http.webhooks.allowHosts") == "DROVER_HTTP_WEBHOOKS_ALLOW_HOSTS")
    }

    @Test func unknownDroverVariablesAreListedWithTheClosestName() {
        let found = ConfigurationEnvironment.unrecognizedVariables(in: [
            "DROVER_SUPERVISOR_MAX_WORKER": "3", "DROVER_ZZZ": "1", "DROVER_REDIS_URL": "redis://h", "HOME": "/root",
        ])
        #expect(found.map(\.variable) == ["DROVER_SUPERVISOR_MAX_WORKER", "DROVER_ZZZ"])
        #expect(found.map(\.suggestion) == ["DROVER_SUPERVISOR_MAX_WORKERS", nil])
    }

    /// Every key set to a non-default value, so a key the environment cannot reach shows up.
    static let everyKeyChanged: [String: String] = [
        "mode": "distributed", "redis.url": "redis://u:p@h:1/2", "redis.connectTimeoutMs": "11",
        "redis.commandTimeoutMs": "12", "http.listen": "0.0.0.0:1", "http.bodyLimitBytes": "13",
        "http.syncWaitMs": "14", "http.syncQueueThreshold": "15", "http.auth.token": "s3cret",
        "http.webhooks.allowHosts": "a.example,b.example", "http.webhooks.timeoutMs": "16",
        "http.webhooks.retries": "17", "supervisor.workers": "3", "supervisor.minWorkers": "2", "supervisor.spareWorkers": "2",
        "supervisor.maxWorkers": "4", "supervisor.concurrency": "18", "supervisor.heartbeatIntervalMs": "19",
        "supervisor.hangTimeoutMs": "20", "supervisor.maxMemoryMB": "21", "supervisor.hardMemoryFactor": "2.5",
        "supervisor.drainTimeoutS": "22", "supervisor.restart.intensity": "23", "supervisor.restart.periodS": "24",
        "supervisor.restart.backoffBaseMs": "25", "supervisor.restart.backoffMaxMs": "26",
        "supervisor.runtimeDirectory": "/r", "supervisor.stateDirectory": "/s", "autoscale.enabled": "false",
        "autoscale.scaleUpDepthPerWorker": "27", "autoscale.idleBeforeScaleDownS": "28", "autoscale.cooldownS": "29",
        "autoscale.sampleIntervalMs": "30", "backpressure.warningThreshold": "31", "backpressure.maxQueueDepth": "32",
        "backpressure.cooldownMs": "33", "backpressure.priorityBuckets.high": "40",
        "backpressure.priorityBuckets.normal": "40", "backpressure.priorityBuckets.low": "20",
        "routing.sticky": "false", "routing.breaker.failures": "34", "routing.breaker.windowS": "35",
        "routing.breaker.openS": "36", "cache.l1MB": "37", "cache.ttl.embeddingsS": "38", "cache.ttl.queriesS": "39",
        "cache.ttl.answersS": "41", "queues.names": "rag:noop,rag:ask", "queues.retention.completedS": "42",
        "queues.retention.deadS": "43", "queues.retention.maxCount": "44", "queues.retry.baseMs": "45",
        "queues.retry.jitter": "0.5", "queues.retry.maxMs": "46", "queues.dedupWindowMs": "47",
        "queues.idempotencyTTLS": "48", "queues.leaseGraceMs": "49", "logging.level": "debug",
        "rag.chunkSize": "500", "rag.chunkOverlap": "100", "rag.embedder": "openai", "rag.generator": "openai",
        "rag.openai.baseURL": "http://10.0.0.5:8000/v1", "rag.openai.apiKey": "sk-s3cret",
        "rag.openai.embeddingModel": "bge-m3", "rag.openai.dimensions": "1024", "rag.openai.batchSize": "16",
        "rag.openai.chatModel": "qwen2.5", "rag.openai.timeoutMs": "5000", "rag.openai.retries": "4",
        "rag.upstream.index": "http://10.0.0.6/index", "rag.upstream.search": "http://10.0.0.6/search",
        "rag.upstream.ask": "http://10.0.0.6/ask", "rag.upstream.batch": "http://10.0.0.6/batch",
        "rag.upstream.evaluate": "http://10.0.0.6/evaluate",
    ]

    @Test func everyKeyCanBeSetFromTheEnvironment() throws {
        #expect(Set(Self.everyKeyChanged.keys) == Set(DroverConfiguration.knownKeyPaths))
        var environment: [String: String] = [:]
        for (key, value) in Self.everyKeyChanged {
            environment[ConfigurationEnvironment.variableName(for: key)] = value
        }
        let config = try DroverConfiguration.load(file: nil, environment: environment)
        let shown = Dictionary(uniqueKeysWithValues: config.keyValues(maskingSecrets: false).map { ($0.keyPath, $0.value) })
        for (key, value) in Self.everyKeyChanged {
            #expect(shown[key] == value, "\(key) from \(ConfigurationEnvironment.variableName(for: key))")
        }
    }

    @Test func everyKeyCanBeSetByFlagAndShownValuesRoundTrip() throws {
        let config = try DroverConfiguration.load(
            file: nil, environment: [:], overrides: .init(values: Self.everyKeyChanged))
        #expect(config.keyValues().map(\.keyPath) == DroverConfiguration.knownKeyPaths)
        let again = Dictionary(uniqueKeysWithValues: config.keyValues(maskingSecrets: false).map { ($0.keyPath, $0.value) })
        #expect(try DroverConfiguration.load(file: nil, environment: [:], overrides: .init(values: again)) == config)
        #expect(config.keyValues().first { $0.keyPath == "http.auth.token" }?.value == DroverConfiguration.maskedSecret)
        #expect(config.keyValues().first { $0.keyPath == "rag.openai.apiKey" }?.value == DroverConfiguration.maskedSecret)
    }

    @Test func everyKeyCanBeSetInTheFile() throws {
        // Dotted keys, one per line: the file format allows them beside nested sections.
        let yaml = Self.everyKeyChanged.sorted { $0.key < $1.key }.map { key, value in
            let written = key == "queues.names" || key == "http.webhooks.allowHosts"
                ? "[" + value.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ", ") + "]"
                : value
            return "\(key): \(written)"
        }.joined(separator: "\n")
        let fixture = try ConfigFixture()
        let fromFile = try DroverConfiguration.load(file: fixture.file(yaml), environment: [:])
        let fromFlags = try DroverConfiguration.load(file: nil, environment: [:], overrides: .init(values: Self.everyKeyChanged))
        #expect(fromFile == fromFlags)
    }
}
