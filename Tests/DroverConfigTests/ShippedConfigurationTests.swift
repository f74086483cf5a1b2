import DroverConfig
import Foundation
import Testing

@Suite("The shipped configuration")
struct ShippedConfigurationTests {
    @Test func shippedFileLoadsAndEqualsTheDefaults() throws {
        let config = try DroverConfiguration.load(file: ConfigFixture.shippedFile, environment: [:])
        #expect(config == DroverConfiguration.defaults)
        #expect(config == DroverConfiguration())
    }

    @Test func shippedFileDocumentsEveryKeyWithAComment() throws {
        let text = try String(contentsOfFile: ConfigFixture.shippedFile, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for keyPath in DroverConfiguration.knownKeyPaths {
            let name = String(keyPath.split(separator: ".").last!)
            // The key, set or commented out, at the indentation its depth implies.
            let indent = String(repeating: "  ", count: keyPath.split(separator: ".").count - 1)
            let index = lines.firstIndex { $0.hasPrefix(indent + name + ":") || $0.hasPrefix(indent + "# " + name + ":") }
            #expect(index != nil, "\(keyPath) is not in Config/drover.yaml")
            guard let index else { continue }
            // A comment directly above it, or above the group it belongs to (priorityBuckets, breaker, retry).
            let above = lines[..<index].reversed().prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(above.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") },
                    "\(keyPath) has no comment above it")
        }
    }

    @Test func shippedFileSetsEveryKeyExceptTheSystemdDirectories() throws {
        let text = try String(contentsOfFile: ConfigFixture.shippedFile, encoding: .utf8)
        #expect(Set(ConfigFixture.leafKeyPaths(ofBlockYAML: text)) == Set(DroverConfiguration.knownKeyPaths.filter {
            $0 != "supervisor.runtimeDirectory" && $0 != "supervisor.stateDirectory"
        }))
    }

    @Test func emptyAndCommentOnlyFilesGiveTheDefaults() throws {
        let fixture = try ConfigFixture()
        for text in ["", "\n\n", "# nothing set\n", "---\n", "cache:\n"] {
            let config = try DroverConfiguration.load(file: fixture.file(text), environment: [:])
            #expect(config == .defaults, "for \(text.debugDescription)")
        }
    }

    @Test func noFileGivesTheDefaults() throws {
        #expect(try DroverConfiguration.load(file: nil, environment: [:]) == .defaults)
    }

    @Test func queuePolicyCarriesTheQueueSection() throws {
        let fixture = try ConfigFixture()
        let config = try DroverConfiguration.load(file: fixture.file("""
            queues:
              retention: {completedS: 10, deadS: 20, maxCount: 30}
              retry: {baseMs: 40, jitter: 0.5, maxMs: 50}
              dedupWindowMs: 60
              idempotencyTTLS: 70
              leaseGraceMs: 80
            """), environment: [:])
        let policy = config.queuePolicy
        #expect(policy.completedRetentionMs == 10_000)
        #expect(policy.deadRetentionMs == 20_000)
        #expect(policy.retentionCount == 30)
        #expect(policy.retryBaseMs == 40)
        #expect(policy.retryJitter == 0.5)
        #expect(policy.retryMaxMs == 50)
        #expect(policy.dedupWindowMs == 60)
        #expect(policy.idempotencyTTLMs == 70_000)
        #expect(policy.leaseGraceMs == 80)
    }

    @Test func defaultQueuePolicyMatchesTheQueueModulesDefaults() {
        #expect(DroverConfiguration.defaults.queuePolicy == .init())
    }

    @Test func autoWorkerCountsFollowTheCPUCount() throws {
        var supervisor = DroverConfiguration.defaults.supervisor
        #expect(supervisor.resolvedWorkers(onlineProcessors: 4) == 4)
        #expect(supervisor.resolvedMaxWorkers(onlineProcessors: 4) == 8)
        supervisor.maxWorkers = .fixed(2)
        #expect(supervisor.resolvedWorkers(onlineProcessors: 4) == 2)
        supervisor.workers = .fixed(1)
        #expect(supervisor.resolvedWorkers(onlineProcessors: 4) == 1)
        #expect(SupervisorConfiguration.onlineProcessorCount() >= 1)
    }
}
