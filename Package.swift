// swift-tools-version: 6.2
import PackageDescription

// Each target holds one concern; C headers live only behind their own wrapper targets,
// so no Swift module imports a C header that another module of the same build does not see.
let package = Package(
    name: "drover",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "drover", targets: ["drover"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0", traits: ["YAML"]),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries, each behind its own module.
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(name: "CDroverLinux"),

        // Process control: the only module that calls posix_spawn, kill, waitid and reads /proc.
        .target(name: "DroverPosix", dependencies: ["CDroverLinux"]),

        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // JSON values: a strict parser and serializer, shared by every module that reads or writes JSON;
        // also the fixed-point number text that reports and the status table print.
        .target(name: "DroverJSON"),

        // The supervisor–worker control protocol: messages, versioning, framing. Pure: no sockets.
        .target(name: "DroverControl", dependencies: ["DroverJSON"]),

        // The control protocol over a socket: framed reads on a dedicated thread, writes, the admin socket.
        .target(name: "DroverControlSocket", dependencies: ["DroverControl", "DroverPosix"]),

        // Pure supervisor policy: worker states, restart/hang/memory decisions. Time is an input.
        .target(name: "DroverSupervisorCore"),

        // sd_notify and the watchdog, behind one owner.
        .target(name: "DroverSystemd", dependencies: ["CSystemd"]),

        // The queue contract and the in-memory queue; no Redis.
        .target(name: "DroverQueue", dependencies: ["DroverJSON"]),

        // A Redis client over hiredis; knows nothing of jobs.
        .target(name: "DroverRedis", dependencies: ["CHiredis"]),

        // The Redis-backed JobQueue: Lua scripts and their callers.
        .target(name: "DroverRedisQueue", dependencies: ["DroverQueue", "DroverRedis"]),

        // Configuration structs, the YAML/environment/flag loader, and validation.
        .target(name: "DroverConfig", dependencies: [
            "DroverQueue",
            // Only for its URL parser, so that a Redis URL is checked exactly as it will be used.
            "DroverRedis",
            .product(name: "Configuration", package: "swift-configuration"),
            // Read directly only to name unknown keys and their lines; values come through Configuration.
            .product(name: "Yams", package: "Yams"),
        ]),

        // The worker process: job loop, handlers, batching of acks, its end of the control channel.
        .target(name: "DroverWorker", dependencies: [
            "DroverQueue", "DroverControl", "DroverControlSocket", "DroverPosix",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The two-tier cache a worker reads through (byte-bounded LRU L1, a shared L2 store, counters). Pure: no Redis.
        .target(name: "DroverCache"),

        // The RAG pipeline: documents, chunker, embedders, index, search, answers. Pure: no Redis, no processes.
        .target(name: "DroverRAG", dependencies: ["DroverJSON", "DroverQueue", "DroverCache"]),

        // The RAG index and shared cache in Redis: every RAG key and script lives here.
        .target(name: "DroverRAGRedis", dependencies: ["DroverRAG", "DroverRedis", "DroverCache"]),

        // The RAG job handlers (index/search/ask/batch/evaluate) over a RAGEngine.
        .target(name: "DroverRAGHandlers", dependencies: ["DroverRAG", "DroverWorker", "DroverQueue"]),

        // `drover bench rag`: the pipeline's speed, cache hit rates and retrieval quality, in-process.
        .target(name: "DroverRAGBench", dependencies: ["DroverRAG", "DroverJSON", "DroverCache"]),

        // A supervised `redis-server` child on a Unix socket: `drover serve`'s default, and benchmarks'.
        .target(name: "DroverEmbeddedRedis", dependencies: ["DroverPosix", "DroverRedis"]),

        // The supervisor process: carries out SupervisorCore's actions on real processes and sockets.
        .target(name: "DroverSupervisor", dependencies: [
            "DroverSupervisorCore", "DroverControl", "DroverControlSocket", "DroverPosix", "DroverQueue",
            "DroverSystemd",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Distributed mode's pool registry in the shared Redis: hosts publish their workers, claim dead hosts.
        .target(name: "DroverRegistry", dependencies: ["DroverRedis", "DroverJSON", "DroverSupervisor", "DroverSupervisorCore"]),

        // `drover bench`: drives real worker processes and measures them.
        .target(name: "DroverBench", dependencies: [
            "DroverQueue", "DroverPosix", "DroverRedis", "DroverRedisQueue", "DroverEmbeddedRedis",
            "DroverControl", "DroverControlSocket",
            // The sticky router, for `bench queue --users`.
            "DroverSupervisorCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),

        // Admission control: depth zones, priority buckets, drain-rate estimates. Pure: time is an input.
        .target(name: "DroverAdmission"),

        // The HTTP API over Hummingbird: job submission, sync waiters, health, readiness, /metrics.
        // Sees the queue contract and snapshot types only, never supervisor internals.
        .target(name: "DroverHTTP", dependencies: [
            "DroverQueue", "DroverControl", "DroverAdmission",
            // The webhook policy, to refuse a bad webhook URL at submission.
            "DroverWebhooks",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),

        // An HTTP/1.1 client on SwiftNIO: pooled keep-alive connections, timeouts, streamed bodies. No TLS.
        .target(name: "DroverHTTPClient", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // The `openai` embedder and chat generator: any OpenAI-compatible server, over DroverHTTPClient.
        .target(name: "DroverRAGOpenAI", dependencies: ["DroverRAG", "DroverHTTPClient", "DroverJSON"]),

        // The `http` job handler: forwards a job to an existing RAG service, through the two-tier cache.
        .target(name: "DroverHTTPHandler", dependencies: ["DroverHTTPClient", "DroverWorker", "DroverQueue", "DroverCache", "DroverJSON"]),

        // `drover loadtest`: closed- or open-loop HTTP load with exact latency percentiles.
        .target(name: "DroverLoadTest", dependencies: [
            "DroverHTTPClient", "DroverJSON", "DroverQueue",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // Job webhooks: the SSRF policy, one claimed delivery per job, retries with backoff.
        .target(name: "DroverWebhooks", dependencies: [
            "DroverHTTPClient", "DroverQueue", "DroverJSON",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The command line; the only place that bootstraps logging.
        .target(name: "DroverCLI", dependencies: [
            "DroverQueue", "DroverRedis", "DroverRedisQueue", "DroverConfig", "DroverWorker",
            "DroverBench", "DroverPosix", "DroverEmbeddedRedis", "DroverSupervisor", "DroverSupervisorCore",
            "DroverControl", "DroverControlSocket", "DroverSystemd", "DroverCache", "DroverRAG", "DroverRAGRedis", "DroverRAGHandlers", "DroverRAGBench",
            "DroverHTTP",
            "DroverLoadTest", "DroverWebhooks", "DroverRAGOpenAI", "DroverHTTPHandler", "DroverHTTPClient",
            "DroverRegistry",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "drover", dependencies: ["DroverCLI"]),

        // Real-part helpers for tests: redis-server on a temp socket, drover processes.
        .target(name: "DroverTestSupport", dependencies: [
            "DroverPosix", "DroverRedis", "DroverQueue", "DroverRedisQueue",
            // For the loopback webhook receiver.
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        .testTarget(name: "DroverQueueTests", dependencies: [
            "DroverQueue", "DroverRedisQueue", "DroverRedis", "DroverTestSupport",
        ]),
        .testTarget(name: "DroverRedisTests", dependencies: ["DroverRedis", "DroverTestSupport"]),
        .testTarget(name: "DroverPosixTests", dependencies: ["DroverPosix", "DroverTestSupport"]),
        .testTarget(name: "DroverConfigTests", dependencies: ["DroverConfig"]),
        .testTarget(name: "DroverWorkerTests", dependencies: [
            "DroverWorker", "DroverQueue", "DroverRedisQueue", "DroverRedis", "DroverTestSupport",
        ]),
        .testTarget(name: "DroverCLITests", dependencies: ["DroverCLI", "DroverTestSupport", "DroverRedisQueue"]),
        .testTarget(name: "DroverControlTests", dependencies: ["DroverControl", "DroverControlSocket", "DroverPosix", "DroverJSON", "DroverTestSupport"]),
        .testTarget(name: "DroverRAGTests", dependencies: ["DroverRAG", "DroverJSON", "DroverCache"]),
        .testTarget(name: "DroverRAGIntegrationTests", dependencies: [
            "DroverRAG", "DroverRAGRedis", "DroverRAGHandlers", "DroverWorker", "DroverQueue", "DroverRedis",
            "DroverRedisQueue", "DroverTestSupport",
        ]),
        .testTarget(name: "DroverSupervisorCoreTests", dependencies: ["DroverSupervisorCore"]),
        .testTarget(name: "DroverAdmissionTests", dependencies: ["DroverAdmission"]),
        .testTarget(name: "DroverHTTPTests", dependencies: [
            "DroverHTTP", "DroverQueue", "DroverRedisQueue", "DroverTestSupport", "DroverWebhooks", "DroverRAG",
        ]),
        .testTarget(name: "DroverBenchTests", dependencies: ["DroverBench", "DroverTestSupport", "DroverRedis"]),
        .testTarget(name: "DroverSystemdTests", dependencies: ["DroverSystemd", "DroverTestSupport"]),
        .testTarget(name: "DroverHTTPClientTests", dependencies: [
            "DroverHTTPClient", "DroverLoadTest", "DroverTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "DroverRAGOpenAITests", dependencies: [
            "DroverRAGOpenAI", "DroverRAG", "DroverHTTPHandler", "DroverHTTPClient", "DroverWorker", "DroverQueue", "DroverJSON",
            "DroverRedisQueue", "DroverTestSupport", "DroverPosix", "DroverRAGHandlers", "DroverCache", "DroverRAGRedis", "DroverRedis",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "DroverWebhookTests", dependencies: [
            "DroverWebhooks", "DroverHTTPClient", "DroverQueue", "DroverRedisQueue", "DroverRedis", "DroverTestSupport",
            "DroverJSON", .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "DroverSupervisorTests", dependencies: [
            "DroverTestSupport", "DroverRedisQueue", "DroverQueue", "DroverRedis", "DroverPosix", "DroverControl",
            "DroverControlSocket", "DroverSupervisor",
        ]),
        .testTarget(name: "DroverRegistryTests", dependencies: [
            "DroverRegistry", "DroverSupervisor", "DroverSupervisorCore", "DroverRedis", "DroverTestSupport",
        ]),
    ]
)
