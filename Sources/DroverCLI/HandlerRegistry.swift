import DroverQueue
import DroverWorker

/// The job handlers this build runs. Worker processes and `single` mode take this one set, so a
/// job type runs the same code whichever mode runs it.
enum HandlerRegistry {
    static let handlers: [JobType: any JobHandler] = [.noop: NoopHandler()]
}
