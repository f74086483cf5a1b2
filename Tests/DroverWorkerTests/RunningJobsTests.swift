import DroverQueue
@testable import DroverWorker
import Testing

@Suite("Running attempts and the cancels that reach them")
struct RunningJobsTests {
    let id = JobID("noop-0000000000000000000000000001")!
    var job: Job { Job(id: id, priority: .normal, payload: .object([:]), timeoutMs: 30_000, retries: 0, attempt: 1, createdAtMicros: 0) }
    var lease: JobLease { JobLease(jobID: id, workerID: "w", token: 1, deadlineMs: 0) }

    @Test("a job cancelled while its lease was on the way is refused when it arrives")
    func cancelBeforeRegisterRefusesTheAttempt() {
        let running = RunningJobs()
        #expect(running.markCancelled(id).isEmpty)
        #expect(!running.register(job, lease: lease, now: .now))
        #expect(running.take(lease) == nil)
    }

    @Test("a cancel between register and attach cancels the task as it is attached, and marks the attempt")
    func cancelBeforeAttachCancelsOnAttach() async {
        let running = RunningJobs()
        #expect(running.register(job, lease: lease, now: .now))
        #expect(running.markCancelled(id).isEmpty)  // no task yet
        let task = Task<Void, Never> { try? await Task.sleep(for: .seconds(600)) }
        running.attach(task, to: lease)
        #expect(task.isCancelled)
        await task.value
        #expect(running.take(lease)?.cancelled == true)
    }

    @Test("a cancel of a running attempt hands back its task and keeps the attempt until its handler returns")
    func cancelOfARunningAttempt() {
        let running = RunningJobs()
        #expect(running.register(job, lease: lease, now: .now))
        let task = Task<Void, Never> {}
        running.attach(task, to: lease)
        #expect(running.markCancelled(id).count == 1)
        #expect(running.take(lease)?.cancelled == true)
    }
}
