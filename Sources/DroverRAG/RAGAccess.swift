import DroverJSON

/// Who may read a document: `metadata.acl` = `{"users": [...], "groups": [...]}`.
///
/// A document without `acl` is public. A document with an `acl` is visible to a caller whose
/// `userId` is listed in `users`, or who belongs to one of `groups`; an empty `acl` (`{}`) hides the
/// document from everyone. Groups come from the job's `payload.groups`, which the front end fills
/// from its own authentication: the pipeline trusts the job, as it trusts `userId`.
public struct RAGAccess: Sendable, Hashable {
    public var users: Set<String>
    public var groups: Set<String>

    public init(users: Set<String> = [], groups: Set<String> = []) {
        self.users = users
        self.groups = groups
    }

    /// Whether `caller` may read a document carrying this list.
    public func allows(_ caller: RAGCaller) -> Bool {
        if let user = caller.userID, users.contains(user) { return true }
        return !groups.isDisjoint(with: caller.groups)
    }

    /// Reads `metadata.acl`; `nil` when absent (public), a message when malformed.
    static func parse(_ value: JSONValue?) -> Result<RAGAccess?, RAGInputError> {
        guard let value, value != .null else { return .success(nil) }
        guard let object = value.objectValue else {
            return .failure(RAGInputError("metadata.acl must be an object {users: [..], groups: [..]}"))
        }
        for key in object.keys where key != "users" && key != "groups" {
            return .failure(RAGInputError("metadata.acl has unknown key \(key.debugDescription); known: users, groups"))
        }
        var access = RAGAccess()
        for (key, path) in [("users", \RAGAccess.users), ("groups", \RAGAccess.groups)] {
            guard let list = object[key] else { continue }
            guard let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                return .failure(RAGInputError("metadata.acl.\(key) must be an array of strings"))
            }
            access[keyPath: path] = Set(items.compactMap(\.stringValue))
        }
        return .success(access)
    }

    var json: JSONValue {
        .object([
            "users": .array(users.sorted().map(JSONValue.string)),
            "groups": .array(groups.sorted().map(JSONValue.string)),
        ])
    }
}

/// The identity a query runs as: the job's `userId` and `groups`.
public struct RAGCaller: Sendable, Hashable {
    public var userID: String?
    public var groups: Set<String>

    public init(userID: String? = nil, groups: Set<String> = []) {
        self.userID = userID
        self.groups = groups
    }

    /// A stable text form, part of cache keys: two callers with the same identity share cached results.
    var cacheKey: String {
        (userID ?? "") + "|" + groups.sorted().joined(separator: ",")
    }
}

/// A bad input (document, query or option), reported to the caller and never retried.
public struct RAGInputError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
