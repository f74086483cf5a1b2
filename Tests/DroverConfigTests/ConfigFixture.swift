import Foundation

/// A temporary directory for configuration files, removed when the fixture goes away.
final class ConfigFixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("drover-config-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` to a new file and returns its path.
    func file(_ text: String, name: String = "drover.yaml") throws -> String {
        try bytes(Array(text.utf8), name: name)
    }

    /// Writes raw bytes to a new file and returns its path.
    func bytes(_ bytes: [UInt8], name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The shipped `Config/drover.yaml` of this checkout.
    static var shippedFile: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/drover.yaml").path
    }

    /// The leaf keys a plain block-style YAML file sets, as dotted paths (comments and list items skipped).
    static func leafKeyPaths(ofBlockYAML text: String) -> [String] {
        var stack: [(indent: Int, name: String)] = []
        var leaves: [String] = []
        for line in text.split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            guard !body.isEmpty, !body.hasPrefix("#"), !body.hasPrefix("-"), let colon = body.firstIndex(of: ":") else { continue }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            let name = String(body[..<colon])
            let path = (stack.map(\.name) + [name]).joined(separator: ".")
            let rest = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            leaves.append(path)
            // A key with nothing after it opens a section (or a list whose items follow).
            if rest.isEmpty { stack.append((indent, name)) }
        }
        // Sections were recorded too; keep only paths that are not a prefix of another.
        return leaves.filter { path in !leaves.contains { $0.hasPrefix(path + ".") } }
    }
}
