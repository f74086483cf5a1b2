import DroverControl
import DroverControlSocket
import Synchronization

/// The requests a test handler was given, in order.
final class RequestLog: Sendable {
    private let requests = Mutex<[AdminRequest]>([])

    func append(_ request: AdminRequest) {
        requests.withLock { $0.append(request) }
    }

    var all: [AdminRequest] { requests.withLock { $0 } }
}

/// A running AdminServer with a handler that records what it was asked.
final class RunningAdminServer: Sendable {
    let server: AdminServer
    let received = RequestLog()
    private let task: Task<Void, Never>

    init(path: String, access: AdminAccessPolicy = .sameUserOrRoot, requestTimeout: Duration = .seconds(5)) throws {
        let server = try AdminServer(path: path, access: access, requestTimeout: requestTimeout)
        self.server = server
        let received = self.received
        task = Task {
            await server.run { request in
                received.append(request)
                switch request {
                case .status:
                    return .status(AdminProtocolTests.status)
                case .scale(let workers):
                    return workers > 64 ? .error("at most 64 workers") : .ok("scaling to \(workers) workers")
                case .drain(let workerID):
                    return workerID == "w-1" ? .ok("draining w-1") : .error("no worker \(workerID)")
                case .route(let userIDs):
                    return .routes(Dictionary(uniqueKeysWithValues: userIDs.filter { $0 != "unrouted" }.map { ($0, "w1.1") }))
                }
            }
        }
    }

    func stop() async {
        server.stop()
        await task.value
    }
}
