import DroverControl
import DroverPosix
import Glibc

extension ControlEndpoint where Inbound == WorkerMessage, Outbound == SupervisorMessage {
    /// A new channel for a worker about to be spawned: our endpoint, and the worker's end.
    ///
    /// Map `workerFD` to `ControlProtocol.workerFileDescriptor` in the spawn request, set
    /// `DROVER_CONTROL_FD=3` in its environment, and close `workerFD` in the supervisor once the
    /// spawn returned (success or not): as long as we hold it, the worker's death gives us no EOF.
    /// Both descriptors are close-on-exec, so no other child inherits either end.
    public static func makeWorkerChannel(sendTimeout: Duration = .seconds(5)) throws(ControlChannelError) -> (endpoint: SupervisorEndpoint, workerFD: Int32) {
        let ours: Int32
        let theirs: Int32
        do {
            (ours, theirs) = try Posix.socketPair()
        } catch {
            throw ControlChannelError(.systemCallFailed, "cannot create a control socket pair", errno: error.code)
        }
        do {
            return (try SupervisorEndpoint(adopting: ours, sendTimeout: sendTimeout), theirs)
        } catch {
            Posix.close(ours)
            Posix.close(theirs)
            throw error
        }
    }
}

extension ControlEndpoint where Inbound == SupervisorMessage, Outbound == WorkerMessage {
    /// The worker's end of its channel, found through `DROVER_CONTROL_FD` in the environment.
    ///
    /// The descriptor is made close-on-exec, so processes the worker starts do not hold the
    /// channel open after the worker dies.
    /// - Throws: `.notAControlSocket` when the variable is missing, not a descriptor number,
    ///   or names something other than a stream socket.
    public static func inherited(environmentKey: String = ControlProtocol.fileDescriptorEnvironmentKey, sendTimeout: Duration = .seconds(5)) throws(ControlChannelError) -> WorkerEndpoint {
        guard let raw = getenv(environmentKey) else {
            throw ControlChannelError(.notAControlSocket, "\(environmentKey) is not set: `drover worker` is started by `drover serve`, not by hand")
        }
        let text = String(cString: raw)
        guard let fd = Int32(text), fd > 2 else {
            throw ControlChannelError(.notAControlSocket, "\(environmentKey)=\(text) is not a descriptor number above 2")
        }
        guard Posix.isOpen(fd) else {
            throw ControlChannelError(.notAControlSocket, "\(environmentKey)=\(fd) names no open descriptor")
        }
        do {
            try Posix.setCloseOnExec(fd)
        } catch {
            throw ControlChannelError(.systemCallFailed, "cannot make control descriptor \(fd) close-on-exec", errno: error.code)
        }
        return try WorkerEndpoint(adopting: fd, sendTimeout: sendTimeout)
    }
}
