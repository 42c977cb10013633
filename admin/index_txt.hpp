// OpenSSL CA database (`index.txt`) parsing: one tab-separated line per certificate,
//   status \t expiry \t revocation \t serial \t filename \t subject
// status V (valid), R (revoked) or E (expired); times are ASN.1 UTCTime/GeneralizedTime; the
// revocation field is `time[,reason[,extra]]` as `openssl ca` writes it.
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/cert_record.hpp"
#include "core/result.hpp"
#include "core/serial.hpp"

namespace tanda::admin {

struct IndexEntry {
    Serial serial;
    CertRecord record;  // last_seq unset
    int line = 0;
};

struct IndexProblem {
    int line = 0;
    std::string message;
};

struct IndexParse {
    std::vector<IndexEntry> entries;
    std::vector<IndexProblem> problems;  // at most kMaxProblems are kept
    std::size_t problem_count = 0;
};

inline constexpr std::size_t kMaxProblems = 20;

// Keeps the first kMaxProblems problems and counts them all.
void add_problem(IndexParse& parse, int line, std::string message);

// Streams the lines to `sink` as they parse, so memory does not grow with the file; stops at
// the first error `sink` returns. The result holds the problems (parse.entries stays empty);
// duplicate serials are the caller's to find (DuplicateSerials, once sorted).
using IndexSink = std::function<Result<void>(const IndexEntry&)>;
[[nodiscard]] Result<IndexParse> scan_index_txt(std::istream& in, const IndexSink& sink);

// Fed entries in serial order, reports a serial listed twice in the index file as a problem
// (entries with line 0 came from certificate files: those are merged, not reported).
class DuplicateSerials {
public:
    void feed(const IndexEntry& entry, IndexParse& into);

private:
    Serial last_;
    int last_line_ = 0;
    bool any_ = false;
};

// Parses the whole stream; blank lines are skipped. A serial listed twice is a problem.
IndexParse parse_index_txt(std::istream& in);
// One line (without newline); exposed for tests.
tl::expected<IndexEntry, std::string> parse_index_line(std::string_view line);
// "/C=ID/O=Org/CN=Name" -> "CN=Name,O=Org,C=ID" (RFC 4514 order, ',' and '+' escaped).
std::string openssl_dn_to_rfc4514(std::string_view dn);

}  // namespace tanda::admin
