import Glibc

/// A NULL-terminated `char *[]` for argv/envp, freed when this goes away.
final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(_ strings: [String]) {
        pointers = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() {
            pointers[index] = strdup(string)
        }
        pointers[strings.count] = nil
    }

    deinit {
        var cursor = pointers
        while let string = cursor.pointee {
            free(string)
            cursor += 1
        }
        pointers.deallocate()
    }
}
