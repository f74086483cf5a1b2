/// The admin socket's protocol: one JSON request line in, one JSON response line out.
///
/// Requests: `{"command":"status"}`, `{"command":"scale","workers":N}`,
/// `{"command":"drain","workerID":"ID"}`. Responses: `{"ok":true,"status":{...}}`,
/// `{"ok":true,"message":"..."}`, `{"ok":false,"error":"..."}`. It is plain enough for
/// `socat - UNIX-CONNECT:/run/drover/admin.sock`.
public enum AdminProtocol {
    /// The longest request line a server reads, newline excluded; longer is refused unread.
    public static let maxRequestLength = 4096

    /// The longest response line a client reads; a status of hundreds of workers fits easily.
    public static let maxResponseLength = 4 * 1024 * 1024

    /// The socket's file name inside the supervisor's runtime directory.
    public static let socketFileName = "admin.sock"
}
