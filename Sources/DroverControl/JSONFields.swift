import DroverJSON
/// Typed access to one JSON object's members, with errors that name the field.
struct JSONFields {
    let members: [String: JSONValue]
    /// What is being read, e.g. "request" or "worker status", for messages.
    let context: String
    let code: AdminProtocolError.Code

    /// Parses one line (strictly: see `JSONValue(parsing:)`) and reads it as an object.
    init(parsing line: [UInt8], context: String, code: AdminProtocolError.Code) throws(AdminProtocolError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: line)
        } catch {
            throw AdminProtocolError(.invalidJSON, error.message)
        }
        try self.init(value, context: context, code: code)
    }

    init(_ value: JSONValue, context: String, code: AdminProtocolError.Code) throws(AdminProtocolError) {
        guard case .object(let members) = value else {
            throw AdminProtocolError(code, "\(context) must be a JSON object")
        }
        self.members = members
        self.context = context
        self.code = code
    }

    private func missing(_ key: String, _ kind: String) -> AdminProtocolError {
        AdminProtocolError(code, "\(context) needs \"\(key)\" as \(kind)")
    }

    func string(_ key: String) throws(AdminProtocolError) -> String {
        guard case .string(let value)? = members[key] else {
            throw missing(key, "a string")
        }
        return value
    }

    func optionalString(_ key: String) throws(AdminProtocolError) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw missing(key, "a string or null")
        }
    }

    func bool(_ key: String) throws(AdminProtocolError) -> Bool {
        guard case .bool(let value)? = members[key] else {
            throw missing(key, "true or false")
        }
        return value
    }

    func double(_ key: String) throws(AdminProtocolError) -> Double {
        guard let value = members[key]?.doubleValue else {
            throw missing(key, "a number")
        }
        return value
    }

    /// A whole number (a double that holds one is accepted too).
    func int(_ key: String) throws(AdminProtocolError) -> Int {
        guard let value = members[key]?.intValue else {
            throw missing(key, "a whole number")
        }
        return value
    }

    func optionalInt(_ key: String) throws(AdminProtocolError) -> Int? {
        if members[key] == nil || members[key] == .null {
            return nil
        }
        return try int(key)
    }

    func array(_ key: String) throws(AdminProtocolError) -> [JSONValue] {
        guard case .array(let values)? = members[key] else {
            throw missing(key, "an array")
        }
        return values
    }

    func object(_ key: String) throws(AdminProtocolError) -> JSONValue {
        guard let value = members[key], case .object = value else {
            throw missing(key, "an object")
        }
        return value
    }
}
