import DroverQueue

/// The Redis key names of one queue, all under the hash tag `{rag:<type>}`.
///
/// `prefix` is `<namespace>:{rag:<type>}:`; scripts derive per-job keys from it
/// (`job:<id>`, `worker:<id>`, `dedup:<window ms>:<bucket>:<shard>`, `idem:<key>`, `stats:<minute>`).
///
/// A job hash holds, from enqueue: `pri` priority, `pl` payload JSON, `to` timeout ms, `rt`
/// retries, `att` attempts so far, `ct` created µs, `st` status, and maybe `hook`, `idem`, `due`;
/// from reserve: `w` worker id, `tok` fencing token, `su` started µs; from finish: `res` result
/// JSON, `ftok` the token that finished it, `fu` finished µs, and on failure `err`, `hist` (a JSON
/// array of attempts) and `due` (end of backoff); `prog` progress JSON. Times in µs are strings,
/// because Lua numbers would lose their last digits.
struct QueueKeys: Sendable, Hashable {
    let type: JobType
    let prefix: String

    init(namespace: String, type: JobType) {
        self.type = type
        self.prefix = namespace + ":{" + type.queueName + "}:"
    }

    /// The key every script declares, so a cluster client routes the call to the queue's slot.
    var meta: String { prefix + "meta" }
    var marker: String { prefix + "marker" }
    /// The pub/sub channel of one status's events: a subscriber hears only the statuses it asks for,
    /// and Redis drops a message no one subscribed to at the cost of one lookup.
    func events(_ status: JobStatus) -> String { prefix + "events:" + status.rawValue }
    /// Where `completed` and `dead` events of jobs with a webhook are published too.
    var webhookEvents: String { prefix + "events:webhook" }
    var active: String { prefix + "active" }
    var delayed: String { prefix + "delayed" }
    var retry: String { prefix + "retry" }
    var completed: String { prefix + "completed" }
    var dead: String { prefix + "dead" }
    func waiting(_ priority: JobPriority) -> String { prefix + "wait:" + priority.rawValue }
    func job(_ id: JobID) -> String { prefix + "job:" + id.rawValue }
    /// The set of job ids leased to one worker.
    func worker(_ workerID: String) -> String { prefix + "worker:" + workerID }
    func stats(minute: Int64) -> String { prefix + "stats:" + String(minute) }
}
