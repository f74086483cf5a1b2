import DroverPosix
import Foundation

/// Finds the built `drover` executable for tests that run real worker or supervisor processes.
public enum DroverExecutable {
    /// Set this to an executable's path to use it instead of the one next to the test bundle.
    public static let overrideVariable = "DROVER_EXECUTABLE"

    /// The path of `drover`: `$DROVER_EXECUTABLE`, or `drover` in the directory of the running
    /// test bundle (e.g. `.build/debug/droverPackageTests.xctest` → `.build/debug/drover`).
    ///
    /// - Throws: `ChildProcessError.executableMissing` naming where it looked and how to build it.
    public static var path: String {
        get throws {
            if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
                guard FileManager.default.isExecutableFile(atPath: override) else {
                    throw ChildProcessError(.executableMissing, "\(overrideVariable)=\(override) is not an executable file; unset it to use the drover that `swift build` puts next to the tests")
                }
                return override
            }
            let bundle = try Posix.currentExecutablePath()
            let directory = (bundle as NSString).deletingLastPathComponent
            let candidate = directory + "/drover"
            guard FileManager.default.isExecutableFile(atPath: candidate) else {
                throw ChildProcessError(.executableMissing, """
                    no drover executable at \(candidate); tests that run drover need it built first, \
                    into the same scratch path as the tests: `swift build [--scratch-path DIR]` \
                    (or `--product drover`), or set \(overrideVariable)
                    """)
            }
            return candidate
        }
    }
}
