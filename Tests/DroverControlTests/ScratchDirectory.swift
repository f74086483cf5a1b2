import Foundation
import Glibc

/// A scratch directory for one test's socket; short, so socket paths fit 107 bytes.
final class ScratchDirectory: Sendable {
    let path: String

    init() {
        var template = Array("/tmp/drover-admin-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: errno \(errno)")
        path = String(cString: template)
    }

    var socketPath: String { path + "/admin.sock" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
