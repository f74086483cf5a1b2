import CDroverLinux
import Glibc

/// Starts child processes with `posix_spawn`, giving them only what a `SpawnRequest` names.
///
/// - Important: A child that calls `Posix.dieWithParent` dies when the *thread* that spawned it
///   exits, and Swift's cooperative threads come and go. Spawn such children through
///   `ChildWatcher.spawn`, which spawns from its own long-lived thread.
public enum ProcessSpawner {
    /// Starts the child and returns its pid. The caller reaps it (see `ChildWatcher`).
    public static func spawn(_ request: SpawnRequest) throws(SpawnError) -> pid_t {
        try validate(request)

        // Each source is first copied above every target, so one mapping's dup2 cannot overwrite
        // another's source (5→3 with 3→4), and source == target still clears close-on-exec.
        // The copies are close-on-exec and closed again right after the spawn.
        let highestTarget = request.fileDescriptors.map(\.target).max() ?? 2
        let firstFreeAboveTargets = max(highestTarget, 2) + 1
        var staged: [Int32] = []
        defer { staged.forEach { Posix.close($0) } }
        for mapping in request.fileDescriptors {
            let copy = fcntl(mapping.source, F_DUPFD_CLOEXEC, firstFreeAboveTargets)
            if copy < 0 {
                let errno = Errno.current
                throw SpawnError(.fileActionsFailed, errno: errno, "cannot hand fd \(mapping.source) to the child as fd \(mapping.target)")
            }
            staged.append(copy)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try addFileActions(&actions, request: request, staged: staged, firstFree: firstFreeAboveTargets)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        try setAttributes(&attributes, processGroup: request.processGroup)

        let argv = CStringArray([request.argumentZero ?? request.executablePath] + request.arguments)
        let envp = CStringArray(request.environment)
        var pid: pid_t = 0
        // The arrays free their strings on deinit, which may come right after the last use.
        let rc = withExtendedLifetime((argv, envp)) {
            posix_spawn(&pid, request.executablePath, &actions, &attributes, argv.pointers, envp.pointers)
        }
        if rc != 0 {
            throw failure(Errno(rawValue: rc), request: request)
        }
        return pid
    }

    private static func validate(_ request: SpawnRequest) throws(SpawnError) {
        if request.executablePath.isEmpty {
            throw SpawnError(.invalidRequest, "the executable path is empty")
        }
        let strings = [request.executablePath] + request.arguments + request.environment
            + [request.argumentZero, request.workingDirectory].compactMap { $0 }
        if let bad = strings.first(where: { $0.utf8.contains(0) }) {
            throw SpawnError(.invalidRequest, "a NUL byte cannot be passed to a child: \(bad.debugDescription)")
        }
        // A name is needed before the "=": "=x" and "x" are both malformed.
        let isMalformed = { (entry: String) in (entry.utf8.firstIndex(of: UInt8(ascii: "=")) ?? entry.utf8.startIndex) == entry.utf8.startIndex }
        if let bad = request.environment.first(where: isMalformed) {
            throw SpawnError(.invalidRequest, "environment entries are KEY=VALUE, got \(bad.debugDescription)")
        }
        var targets: Set<Int32> = []
        for mapping in request.fileDescriptors {
            if mapping.source < 0 || mapping.target < 0 {
                throw SpawnError(.invalidRequest, "descriptors cannot be negative: \(mapping.source) → \(mapping.target)")
            }
            if !targets.insert(mapping.target).inserted {
                throw SpawnError(.invalidRequest, "fd \(mapping.target) is mapped twice in the child")
            }
            if !Posix.isOpen(mapping.source) {
                throw SpawnError(.fileActionsFailed, errno: .badFileDescriptor, "fd \(mapping.source), to become fd \(mapping.target) in the child, is not open")
            }
        }
        if case .join(let pgid) = request.processGroup, pgid <= 0 {
            throw SpawnError(.invalidRequest, "process group \(pgid) does not exist")
        }
    }

    private static func addFileActions(
        _ actions: inout posix_spawn_file_actions_t,
        request: SpawnRequest,
        staged: [Int32],
        firstFree: Int32
    ) throws(SpawnError) {
        for (mapping, copy) in zip(request.fileDescriptors, staged) {
            let rc = posix_spawn_file_actions_adddup2(&actions, copy, mapping.target)
            if rc != 0 {
                throw SpawnError(.fileActionsFailed, errno: Errno(rawValue: rc), "cannot map fd \(mapping.source) to fd \(mapping.target)")
            }
        }
        // Belt and braces: our fds are all close-on-exec, but a library's might not be.
        // Close the gaps between targets, then everything above them.
        let targets = Set(request.fileDescriptors.map(\.target))
        for fd in Int32(3)..<firstFree where !targets.contains(fd) {
            let rc = posix_spawn_file_actions_addclose(&actions, fd)
            if rc != 0 {
                throw SpawnError(.fileActionsFailed, errno: Errno(rawValue: rc), "cannot close fd \(fd) in the child")
            }
        }
        let rc = c_drover_spawn_file_actions_addclosefrom(&actions, firstFree)
        // ENOSYS: an older libc; close-on-exec alone then keeps our fds out of the child.
        if rc != 0 && rc != ENOSYS {
            throw SpawnError(.fileActionsFailed, errno: Errno(rawValue: rc), "cannot close fds from \(firstFree) up in the child")
        }
        if let directory = request.workingDirectory {
            let rc = c_drover_spawn_file_actions_addchdir(&actions, directory)
            if rc != 0 {
                throw SpawnError(.fileActionsFailed, errno: Errno(rawValue: rc), "cannot change to \(directory) in the child")
            }
        }
    }

    private static func setAttributes(
        _ attributes: inout posix_spawnattr_t,
        processGroup: SpawnRequest.ProcessGroup?
    ) throws(SpawnError) {
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        // A blocked or ignored signal survives exec; the child starts from a clean slate.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var everySignal = sigset_t()
        sigemptyset(&everySignal)
        for number in Signal.allNumbers where number != SIGKILL && number != SIGSTOP {
            // glibc refuses its two internal signals here; they are reset anyway.
            sigaddset(&everySignal, number)
        }
        var rc = posix_spawnattr_setsigmask(&attributes, &emptyMask)
        if rc == 0 {
            rc = posix_spawnattr_setsigdefault(&attributes, &everySignal)
        }
        if rc == 0, let processGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            switch processGroup {
            case .new: rc = posix_spawnattr_setpgroup(&attributes, 0)
            case .join(let pgid): rc = posix_spawnattr_setpgroup(&attributes, pgid)
            }
        }
        if rc == 0 {
            rc = posix_spawnattr_setflags(&attributes, Int16(flags))
        }
        if rc != 0 {
            throw SpawnError(.spawnFailed, errno: Errno(rawValue: rc), "cannot set up spawn attributes")
        }
    }

    /// Turns posix_spawn's errno into a code. The child's chdir and exec report through the same
    /// errno, so a missing working directory is told apart from a missing executable by looking.
    private static func failure(_ errno: Errno, request: SpawnRequest) -> SpawnError {
        let path = request.executablePath
        if let directory = request.workingDirectory,
           errno == .noSuchFileOrDirectory || errno == .notADirectory || errno == .permissionDenied,
           !isSearchableDirectory(directory) {
            return SpawnError(.fileActionsFailed, errno: errno, "cannot change to working directory \(directory) to run \(path)")
        }
        switch errno {
        case .noSuchFileOrDirectory, .notADirectory:
            return SpawnError(.executableNotFound, errno: errno, "no executable at \(path)")
        case .permissionDenied, .operationNotPermitted:
            return SpawnError(.permissionDenied, errno: errno, "may not execute \(path)")
        case .badFileDescriptor, .tooManyOpenFiles:
            return SpawnError(.fileActionsFailed, errno: errno, "cannot set up descriptors to run \(path)")
        case .execFormatError:
            return SpawnError(.spawnFailed, errno: errno, "\(path) is not in an executable format")
        default:
            return SpawnError(.spawnFailed, errno: errno, "cannot run \(path)")
        }
    }

    private static func isSearchableDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR && access(path, X_OK) == 0
    }
}
