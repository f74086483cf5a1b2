// Payloads, results and progress are JSON: every user of the queue contract sees the JSON type too.
@_exported import DroverJSON
