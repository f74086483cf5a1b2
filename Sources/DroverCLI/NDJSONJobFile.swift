import ArgumentParser
import DroverQueue
import FoundationEssentials

/// Reads an NDJSON file of jobs: one `{"type": …, …}` body per line, blank lines skipped.
///
/// Every line is checked before anything is enqueued, so a bad line (named with its number)
/// leaves the queue untouched.
enum NDJSONJobFile {
    static let maxLineBytes = 1 << 20

    static func read(_ path: String) throws -> [JobRequest] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path))
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        var requests: [JobRequest] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop { $0 == 32 || $0 == 9 || $0 == 13 }
            if trimmed.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            guard line.count <= maxLineBytes else {
                throw ValidationError("\(path):\(lineNumber): line is longer than \(maxLineBytes) bytes")
            }
            do {
                requests.append(try JobRequest(json: line, maxBytes: maxLineBytes))
            } catch {
                throw ValidationError("\(path):\(lineNumber): \(error.message)")
            }
        }
        guard !requests.isEmpty else { throw ValidationError("\(path) holds no jobs") }
        return requests
    }
}
