import CoreMetrics
import DroverAdmission
import DroverControl
import DroverQueue
import Prometheus
import Synchronization

/// The server's Prometheus metrics, in a registry this instance owns.
///
/// Nothing here bootstraps the global `MetricsSystem`: every metric is made through this
/// instance's factory, so several servers (tests in one process) never share or clash.
public final class APIMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let requestTimers: [String: CoreMetrics.Timer]
    /// Accepted → finished, per queue, of the jobs this server accepted.
    private let jobTimers: [JobType: CoreMetrics.Timer]
    private let responses = Mutex<[Int: CoreMetrics.Counter]>([:])
    private let refusals: [JobPriority: CoreMetrics.Counter]
    private let unavailable: CoreMetrics.Counter
    private let depth: CoreMetrics.Gauge
    private let zone: CoreMetrics.Gauge
    private let drainRate: CoreMetrics.Gauge
    private let waiters: CoreMetrics.Gauge
    private let desiredWorkers: CoreMetrics.Gauge
    private let actualWorkers: CoreMetrics.Gauge
    private let readyWorkers: CoreMetrics.Gauge
    private let autoscaleEnabled: CoreMetrics.Gauge
    private let queueGauges: [JobType: [String: CoreMetrics.Gauge]]
    /// Per-worker gauges, by worker id; dropped when the worker is gone.
    private let workerGauges = Mutex<[String: WorkerGauges]>([:])
    /// Restart counters by reason, with the count each has been brought up to.
    private let restarts = Mutex<[String: (counter: CoreMetrics.Counter, counted: Int)]>([:])

    /// The routes whose latency is measured; anything else counts as `other`.
    static let routes = ["submit_sync", "submit_async", "job", "cancel", "queue_status", "queue_metrics", "dlq", "documents", "health", "metrics", "other"]
    static let states = ["waiting", "active", "completed", "failed", "delayed", "dead"]

    private struct WorkerGauges {
        let status: String
        let breaker: String
        let gauges: [CoreMetrics.Gauge]
    }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["drover_http_request_duration_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        factory.durationHistogramBuckets["drover_job_duration_seconds"] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        ]
        self.factory = factory
        jobTimers = Dictionary(uniqueKeysWithValues: JobType.allCases.map { type in
            (type, CoreMetrics.Timer(label: "drover_job_duration_seconds", dimensions: [("queue", type.queueName)], factory: factory))
        })
        requestTimers = Dictionary(uniqueKeysWithValues: Self.routes.map { route in
            (route, CoreMetrics.Timer(label: "drover_http_request_duration_seconds", dimensions: [("route", route)], factory: factory))
        })
        refusals = Dictionary(uniqueKeysWithValues: JobPriority.allCases.map { priority in
            (priority, CoreMetrics.Counter(label: "drover_admission_refused_total", dimensions: [("priority", priority.rawValue)], factory: factory))
        })
        unavailable = CoreMetrics.Counter(label: "drover_http_503_total", factory: factory)
        depth = CoreMetrics.Gauge(label: "drover_queue_depth", factory: factory)
        zone = CoreMetrics.Gauge(label: "drover_admission_zone", factory: factory)
        drainRate = CoreMetrics.Gauge(label: "drover_queue_drain_rate_per_second", factory: factory)
        waiters = CoreMetrics.Gauge(label: "drover_http_sync_waiters", factory: factory)
        desiredWorkers = CoreMetrics.Gauge(label: "drover_workers_desired", factory: factory)
        actualWorkers = CoreMetrics.Gauge(label: "drover_workers_actual", factory: factory)
        readyWorkers = CoreMetrics.Gauge(label: "drover_workers_ready", factory: factory)
        autoscaleEnabled = CoreMetrics.Gauge(label: "drover_autoscale_enabled", factory: factory)
        queueGauges = Dictionary(uniqueKeysWithValues: JobType.allCases.map { type in
            (type, Dictionary(uniqueKeysWithValues: Self.states.map { state in
                (state, CoreMetrics.Gauge(label: "drover_queue_jobs", dimensions: [("queue", type.queueName), ("state", state)], factory: factory))
            }))
        })
    }

    func recordJob(_ type: JobType, latency: Duration) {
        jobTimers[type]?.record(duration: latency)
    }

    func recordRequest(route: String, status: Int, duration: Duration) {
        (requestTimers[route] ?? requestTimers["other"])?.record(duration: duration)
        let counter = responses.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = CoreMetrics.Counter(label: "drover_http_responses_total", dimensions: [("status", String(status))], factory: factory)
            counters[status] = counter
            return counter
        }
        counter.increment()
        if status == 503 { unavailable.increment() }
    }

    func recordRefusal(_ priority: JobPriority) {
        refusals[priority]?.increment()
    }

    func recordCounts(_ counts: QueueCounts, of type: JobType) {
        guard let gauges = queueGauges[type] else { return }
        gauges["waiting"]?.record(counts.waiting)
        gauges["active"]?.record(counts.active)
        gauges["completed"]?.record(counts.completed)
        gauges["failed"]?.record(counts.failed)
        gauges["delayed"]?.record(counts.delayed)
        gauges["dead"]?.record(counts.dead)
    }

    func recordAdmission(depth value: Int, zone current: AdmissionZone, drainRate rate: Double?) {
        depth.record(value)
        zone.record(current == .normal ? 0 : current == .warning ? 1 : 2)
        drainRate.record(rate ?? 0)
    }

    func recordWaiters(_ count: Int) {
        waiters.record(count)
    }

    /// Per-worker RSS, CPU, status, breaker and restarts, and the autoscaler's desired workers
    /// against those started and those ready, from a pool snapshot.
    func recordPool(_ pool: PoolStatus) {
        desiredWorkers.record(pool.desiredWorkers)
        actualWorkers.record(pool.workers.count)
        readyWorkers.record(pool.readyWorkers ?? pool.workers.filter { WorkerStatus.readyStates.contains($0.state) }.count)
        autoscaleEnabled.record(pool.autoscale?.enabled == true ? 1 : 0)
        recordRestarts(pool.restartsByReason ?? [:])
        workerGauges.withLock { known in
            var seen = Set<String>()
            for worker in pool.workers {
                seen.insert(worker.id)
                // Status and breaker are labels: a change replaces the series rather than adding one.
                if let existing = known[worker.id], existing.status != worker.state || existing.breaker != worker.breaker {
                    existing.gauges.forEach { $0.destroy() }
                    known[worker.id] = nil
                }
                let entry = known[worker.id] ?? makeWorkerGauges(worker)
                known[worker.id] = entry
                entry.gauges[0].record(worker.memoryUsageMB * 1_048_576)
                entry.gauges[1].record(worker.cpuPercent)
                entry.gauges[2].record(1)
                entry.gauges[3].record(worker.restarts)
                entry.gauges[4].record(worker.activeJobs)
                entry.gauges[5].record(1)
                entry.gauges[6].record(worker.cache.l1Hits)
                entry.gauges[7].record(worker.cache.l1Misses)
                entry.gauges[8].record(worker.cache.l2Hits)
                entry.gauges[9].record(worker.cache.l2Misses)
            }
            for (id, entry) in known where !seen.contains(id) {
                entry.gauges.forEach { $0.destroy() }
                known[id] = nil
            }
        }
    }

    /// The supervisor keeps totals; a Prometheus counter only grows, so each gets the difference.
    private func recordRestarts(_ totals: [String: Int]) {
        restarts.withLock { known in
            for (reason, total) in totals {
                let entry = known[reason] ?? (CoreMetrics.Counter(
                    label: "drover_worker_restarts_total", dimensions: [("reason", reason)], factory: factory), 0)
                if total > entry.counted { entry.counter.increment(by: total - entry.counted) }
                known[reason] = (entry.counter, max(total, entry.counted))
            }
        }
    }

    private func makeWorkerGauges(_ worker: WorkerStatus) -> WorkerGauges {
        let labels = [("worker", worker.id)]
        return WorkerGauges(status: worker.state, breaker: worker.breaker, gauges: [
            CoreMetrics.Gauge(label: "drover_worker_rss_bytes", dimensions: labels, factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_cpu_percent", dimensions: labels, factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_status", dimensions: labels + [("status", worker.state)], factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_restarts", dimensions: labels, factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_active_jobs", dimensions: labels, factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_breaker", dimensions: labels + [("state", worker.breaker)], factory: factory),
            // Counts since the worker started (they restart with it), so gauges rather than counters.
            CoreMetrics.Gauge(label: "drover_worker_cache_hits", dimensions: labels + [("tier", "l1")], factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_cache_misses", dimensions: labels + [("tier", "l1")], factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_cache_hits", dimensions: labels + [("tier", "l2")], factory: factory),
            CoreMetrics.Gauge(label: "drover_worker_cache_misses", dimensions: labels + [("tier", "l2")], factory: factory),
        ])
    }

    /// The Prometheus text exposition of everything above.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8_192)
        registry.emit(into: &buffer)
        return buffer
    }
}
