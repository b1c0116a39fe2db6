import FixedPoint
import Foundation

/// A C++ program built on the real ap_fixed headers: one function per group of compile-time formats
/// (A, B, T), each running any operation on runtime bits. Input lines are `group op x y n` (x, y in
/// hexadecimal: stored bits of A and B, or a double's bits); each output line holds the results' stored
/// bits in hexadecimal (comparisons as six 0/1 digits, result types as `W,I,s|u`).
struct HeaderProgram {
    let headers: URL
    let executable: URL

    /// The headers: $FXCODEC_AP_TYPES, else <repo>/.deps/ap_types (put there by scripts/setup).
    static func findHeaders() -> URL? {
        if let path = ProcessInfo.processInfo.environment["FXCODEC_AP_TYPES"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidate = repoRoot.appendingPathComponent(".deps/ap_types")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("ap_fixed.h").path)
            ? candidate : nil
    }

    static let compileFlags = ["-std=c++14", "-O1"]

    /// Writes the sources into a temporary folder named by their hash, and compiles them there unless
    /// an earlier run already did (the same text gives the same program).
    static func build(groups: [Group], headers: URL, translationUnits: Int = 2) throws -> (HeaderProgram, compiled: Bool) {
        var sources = ["main.cpp": mainSource(groups: groups), "run.h": runHeader]
        for unit in 0..<translationUnits {
            let mine = groups.filter { $0.index % translationUnits == unit }
            sources["groups\(unit).cpp"] = "#include \"run.h\"\n" + mine.map(\.cppDefinition).joined(separator: "\n") + "\n"
        }
        let key = fnv1a(sources.sorted { $0.key < $1.key }.map { $0.key + $0.value }.joined()
                        + headerText(headers) + compileFlags.joined())
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("fxcodec-ap_fixed-crosscheck/\(String(key, radix: 16))")
        let executable = folder.appendingPathComponent("crosscheck")
        let program = HeaderProgram(headers: headers, executable: executable)
        if FileManager.default.isExecutableFile(atPath: executable.path) { return (program, false) }

        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in sources { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let cpps = sources.keys.filter { $0.hasSuffix(".cpp") }.sorted()
        // Compile the units side by side, then link.
        let compiles = try cpps.map { cpp in
            try start("g++", compileFlags + ["-I", headers.path, "-c", cpp, "-o", cpp + ".o"], in: folder)
        }
        for (cpp, process) in zip(cpps, compiles) { try finish(process, what: "g++ -c \(cpp)") }
        let link = try start("g++", cpps.map { $0 + ".o" } + ["-o", "crosscheck.partial"], in: folder)
        try finish(link, what: "g++ (link)")
        try FileManager.default.moveItem(at: folder.appendingPathComponent("crosscheck.partial"), to: executable)
        return (program, true)
    }

    /// Runs the cases through the program: one output line per case answered, and if the program
    /// stopped early, why (with the case it stopped on).
    func run(_ cases: [Case]) throws -> (lines: [Substring], failure: String?) {
        let inputFile = executable.deletingLastPathComponent().appendingPathComponent("cases-\(getpid()).txt")
        try (cases.map(\.inputLine).joined(separator: "\n") + "\n").write(to: inputFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let process = Process()
        process.executableURL = executable
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = Array(String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast())
        guard process.terminationStatus != 0 else { return (lines, nil) }
        let stoppedAt = lines.count < cases.count ? "on input line '\(cases[lines.count].inputLine)'" : "after the last case"
        return (lines, "the cross-check program stopped with status \(process.terminationStatus) \(stoppedAt): \(message.suffix(2000))")
    }

    private static func start(_ tool: String, _ arguments: [String], in folder: URL) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        return (process, errors)
    }

    private static func finish(_ started: (Process, Pipe), what: String) throws {
        let message = String(decoding: started.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        started.0.waitUntilExit()
        guard started.0.terminationStatus == 0 else {
            throw HeaderProgramError("\(what) failed:\n\(message.prefix(4000))")
        }
    }

    /// The headers' own text, so that other headers at the same path make another program.
    private static func headerText(_ headers: URL) -> String {
        let files = (FileManager.default.enumerator(atPath: headers.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".h") }.sorted()
        return files.map { $0 + ((try? String(contentsOf: headers.appendingPathComponent($0), encoding: .utf8)) ?? "") }
            .joined()
    }

    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    private static func mainSource(groups: [Group]) -> String {
        let declarations = groups.map { "void \($0.cppName)(std::string&, int, uint64_t, uint64_t, int);" }
        return """
        #include <csetjmp>
        #include <cstdint>
        #include <cstdio>
        #include <string>
        \(declarations.joined(separator: "\n"))

        // An assertion inside the headers answers the case with "assert" instead of stopping the program.
        static std::jmp_buf onAssertion;
        extern "C" void __assert_fail(const char*, const char*, unsigned int, const char*) {
          std::longjmp(onAssertion, 1);
        }
        typedef void (*Group)(std::string&, int, uint64_t, uint64_t, int);
        static const Group groups[] = {\(groups.map(\.cppName).joined(separator: ", "))};

        int main() {
          int g, op, n;
          unsigned long long x, y;
          std::string out;
          while (std::scanf("%d %d %llx %llx %d", &g, &op, &x, &y, &n) == 5) {
            out.clear();
            if (setjmp(onAssertion) == 0) groups[g](out, op, x, y, n);
            else out = "assert";
            out += '\\n';
            std::fwrite(out.data(), 1, out.size(), stdout);
            std::fflush(stdout);  // so that an assertion in the headers shows which case it was
          }
          return 0;
        }

        """
    }

    /// The operations, by number (the same numbers as `Operation`).
    private static let runHeader = """
    #include <ap_fixed.h>
    #include <cstdint>
    #include <cstring>
    #include <string>

    // The W stored bits of v in hexadecimal, most significant digit first.
    template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
    void put(std::string& out, const ap_fixed_base<W, I, S, Q, O, N>& v) {
      static const char digits[] = "0123456789abcdef";
      for (int top = ((W - 1) / 4) * 4; top >= 0; top -= 4) {
        int d = 0;
        for (int b = 3; b >= 0; --b) d = d * 2 + (top + b < W && v[top + b] ? 1 : 0);
        out += digits[d];
      }
      out += ' ';
    }

    // The type of an expression, from a null pointer to it: W,I,s (signed) or u.
    template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
    void type(std::string& out, const ap_fixed_base<W, I, S, Q, O, N>*) {
      out += std::to_string(W) + "," + std::to_string(I) + (S ? ",s " : ",u ");
    }

    template <class A, class B, class T>
    void run(std::string& out, int op, uint64_t x, uint64_t y, int n) {
      A a; a.setBits(x);
      B b; b.setBits(y);
      switch (op) {
      case 0: { double d; std::memcpy(&d, &x, 8); T t = d; put(out, t); break; }
      case 1: { T t = a; put(out, t); break; }
      case 2: { put(out, a + b); T t = a + b; put(out, t); break; }
      case 3: { put(out, a - b); T t = a - b; put(out, t); break; }
      case 4: { put(out, a * b); T t = a * b; put(out, t); break; }
      case 5: { put(out, a / b); T t = a / b; put(out, t); break; }
      case 6: { put(out, -a); T t = -a; put(out, t); break; }
      case 7: { put(out, a << n); put(out, a >> n); break; }
      case 8: {
        const char r[] = {char('0' + (a < b)), char('0' + (a <= b)), char('0' + (a > b)),
                          char('0' + (a >= b)), char('0' + (a == b)), char('0' + (a != b)), 0};
        out += r;
        break;
      }
      case 9: {
        type(out, (decltype(a + b)*)0); type(out, (decltype(a - b)*)0); type(out, (decltype(a * b)*)0);
        type(out, (decltype(a / b)*)0); type(out, (decltype(-a)*)0);
        break;
      }
      }
    }

    // Conversions only (operations 0 and 1): much cheaper to compile.
    template <class A, class T>
    void convert(std::string& out, int op, uint64_t x, uint64_t, int) {
      if (op == 0) {
        double d; std::memcpy(&d, &x, 8);
        T t = d; put(out, t);
      } else {
        A a; a.setBits(x);
        T t = a; put(out, t);
      }
    }

    """
}

struct HeaderProgramError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
