// `tanda import` reads an OpenSSL CA's index.txt, a file other tools write and people edit.
// Properties checked on every input (taken as a whole file):
//  - parse_index_txt() returns (no crash, leak or sanitizer report);
//  - its report is consistent: at most kMaxProblems problems kept, problem_count counts at least
//    those, problems sorted by line, every line number within the file;
//  - every entry it accepts is a record storage can take: a serial within Serial::kMaxBytes in
//    normalised form, a revocation reason that is a real one (never removeFromCRL), and the same
//    entry when its line is parsed on its own.
#include <sstream>
#include <string>
#include <vector>

#include "admin/index_txt.hpp"
#include "fuzz/fuzz_check.hpp"

using tanda::fuzz::check;

namespace {

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::istringstream in{std::string(text)};
    auto parse = tanda::admin::parse_index_txt(in);
    auto lines = lines_of(text);
    const int last = static_cast<int>(lines.size());

    check(parse.problems.size() <= tanda::admin::kMaxProblems, "more problems kept than the cap");
    check(parse.problem_count >= parse.problems.size(), "problem_count below problems kept");
    for (std::size_t i = 0; i < parse.problems.size(); ++i) {
        const auto& p = parse.problems[i];
        check(p.line >= 1 && p.line <= last, "problem line out of the file");
        check(!p.message.empty(), "problem without a message");
        check(i == 0 || parse.problems[i - 1].line <= p.line, "problems not sorted by line");
    }
    for (const auto& e : parse.entries) {
        check(e.line >= 1 && e.line <= last, "entry line out of the file");
        auto bytes = e.serial.bytes();
        check(bytes.size() <= tanda::Serial::kMaxBytes, "serial longer than kMaxBytes");
        check(bytes.size() == 1 || (!bytes.empty() && bytes[0] != std::byte{0}),
              "serial not normalised (no leading zero bytes; 0 is one zero byte)");
        check(e.record.reason != tanda::Reason::remove_from_crl, "removeFromCRL as a reason");
        auto alone = tanda::admin::parse_index_line(lines[static_cast<std::size_t>(e.line - 1)]);
        check(alone && alone->serial == e.serial && alone->record.same_content(e.record),
              "the line parsed on its own gives another entry");
    }
    return 0;
}
