import DroverControl
import DroverControlSocket
import DroverQueue

/// Asks the running supervisor where each user's jobs go, so `drover enqueue` routes like the HTTP API.
enum StickyRoutes {
    /// Room left in one admin request line for user ids, after the command's own fields.
    static let requestBudget = AdminProtocol.maxRequestLength - 64

    /// Sets `targetWorker` on every request with a `userId` that the supervisor routes to a worker.
    ///
    /// Without a supervisor to ask, the jobs go to the shared queues, where any worker takes them:
    /// nothing is lost, only locality. Returns a note for the operator in that case.
    static func assign(_ requests: inout [JobRequest], socketPath: String) -> String? {
        var users: [String] = []
        var seen: Set<String> = []
        for request in requests where request.targetWorker == nil {
            if let user = request.userId, seen.insert(user).inserted { users.append(user) }
        }
        guard !users.isEmpty else { return nil }
        var routes: [String: String] = [:]
        for batch in batches(users) {
            do {
                switch try AdminClient.send(.route(userIDs: batch), socketPath: socketPath) {
                case .routes(let answer): routes.merge(answer) { $1 }
                case .error(let message): return "the supervisor did not route users (\(message)); their jobs go to the shared queue"
                case .ok, .status: return "the supervisor gave no routes; jobs go to the shared queue"
                }
            } catch {
                return "no sticky routing (\(error)); jobs go to the shared queue"
            }
        }
        for i in requests.indices where requests[i].targetWorker == nil {
            if let user = requests[i].userId { requests[i].targetWorker = routes[user] }
        }
        return nil
    }

    /// Splits user ids into groups whose request line stays under the admin protocol's limit.
    static func batches(_ users: [String]) -> [[String]] {
        var batches: [[String]] = [[]]
        var bytes = 0
        for user in users {
            // Quotes, a comma, and room for escapes.
            let cost = user.utf8.count * 2 + 3
            if bytes + cost > requestBudget, !batches[batches.count - 1].isEmpty {
                batches.append([])
                bytes = 0
            }
            batches[batches.count - 1].append(user)
            bytes += cost
        }
        return batches
    }
}
