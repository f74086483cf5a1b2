import DroverConfig
import DroverControl
import DroverControlSocket
import DroverQueue
import DroverRedisQueue
import DroverSupervisor
import DroverSupervisorCore
import Logging

/// The supervisor's admin socket: `drover status`, `scale` and `drain` talk to it.
struct AdminEndpoint: Sendable {
    let server: AdminServer
    let task: Task<Void, Never>

    /// `<supervisor.runtimeDirectory>/admin.sock`.
    static func socketPath(for settings: DroverConfiguration) -> String {
        settings.supervisor.runtimeDirectory + "/admin.sock"
    }

    static func start(path: String, supervisor: Supervisor, queue: RedisJobQueue, mode: String, logger: Logger) throws -> AdminEndpoint {
        let server = try AdminServer(path: path)
        let task = Task {
            await server.run { request in
                switch request {
                case .status:
                    var status = await supervisor.poolStatus(mode: mode)
                    status.queueDepth = await Self.queueDepth(queue)
                    return .status(status)
                case .scale(let workers):
                    logger.notice("admin: scale", metadata: ["workers": "\(workers)"])
                    return Self.response(await supervisor.admin(.scale(to: workers)), "scaling to \(workers) workers")
                case .route(let users):
                    var routes: [String: String] = [:]
                    for user in users {
                        if let worker = supervisor.route(userID: user) { routes[user] = worker }
                    }
                    return .routes(routes)
                case .drain(let worker):
                    logger.notice("admin: drain", metadata: ["worker": "\(worker)"])
                    return Self.response(await supervisor.admin(.drain(worker: worker)), "draining \(worker); a replacement starts first")
                }
            }
        }
        return AdminEndpoint(server: server, task: task)
    }

    func stop() {
        server.stop()
        task.cancel()
    }

    static func response(_ result: Result<String, SupervisorCoreError>, _ message: String) -> AdminResponse {
        switch result {
        case .success: return .ok(message)
        case .failure(let error): return .error(error.message)
        }
    }

    /// Jobs waiting in every queue, or nil when Redis does not answer.
    static func queueDepth(_ queue: RedisJobQueue) async -> Int? {
        var total = 0
        for type in JobType.allCases {
            guard let counts = try? await queue.counts(of: type) else { return nil }
            total += counts.waiting
        }
        return total
    }
}
