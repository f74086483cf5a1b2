import Glibc

/// Everything a child process starts with: program, arguments, environment, descriptors, group.
///
/// Nothing is inherited implicitly except fds 0, 1 and 2 when they are not mapped: the child
/// gets exactly the descriptors in `fileDescriptors`, an empty signal mask and default
/// signal dispositions.
public struct SpawnRequest: Sendable, Hashable {
    /// One descriptor to hand to the child: our `source` becomes the child's `target`.
    public struct FileDescriptorMapping: Sendable, Hashable {
        /// An open descriptor of ours; it stays open in the parent.
        public var source: Int32
        /// The descriptor number the child sees; it is not close-on-exec in the child.
        public var target: Int32

        public init(source: Int32, target: Int32) {
            self.source = source
            self.target = target
        }
    }

    /// Which process group the child joins.
    public enum ProcessGroup: Sendable, Hashable {
        /// A new group led by the child (pgid == child's pid), so `killGroup` reaches its whole tree.
        case new
        /// An existing group.
        case join(pid_t)
    }

    /// Path of the program; not searched in `PATH`.
    public var executablePath: String
    /// Arguments after `argv[0]`.
    public var arguments: [String]
    /// `argv[0]`; the executable path when nil.
    public var argumentZero: String?
    /// `KEY=VALUE` strings, the child's entire environment.
    public var environment: [String]
    /// Descriptors the child gets; targets must be distinct.
    public var fileDescriptors: [FileDescriptorMapping]
    /// The child's process group; our own when nil.
    public var processGroup: ProcessGroup?
    /// The child's working directory; ours when nil.
    public var workingDirectory: String?

    public init(
        executablePath: String,
        arguments: [String] = [],
        argumentZero: String? = nil,
        environment: [String],
        fileDescriptors: [FileDescriptorMapping] = [],
        processGroup: ProcessGroup? = nil,
        workingDirectory: String? = nil
    ) {
        self.executablePath = executablePath
        self.arguments = arguments
        self.argumentZero = argumentZero
        self.environment = environment
        self.fileDescriptors = fileDescriptors
        self.processGroup = processGroup
        self.workingDirectory = workingDirectory
    }
}
