#include "admin/index_txt.hpp"

#include <algorithm>
#include <set>

#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

// `time[,reason[,extra]]`: OpenSSL writes keyTime/CAkeyTime (key compromise with the compromise
// time as extra) and holdInstruction (a hold with the instruction OID as extra).
tl::expected<void, std::string> parse_revocation(std::string_view field, CertRecord& r) {
    auto parts = split(field, ',');
    auto when = parse_asn1_time(parts[0]);
    if (!when) return tl::unexpected("bad revocation time '" + std::string(parts[0]) + "'");
    r.state = CertState::revoked;
    r.revoked_at = *when;
    r.reason = Reason::unspecified;
    if (parts.size() == 1) return {};
    std::string_view reason = parts[1];
    if (reason == "keyTime" || reason == "CAkeyTime") {
        r.reason = reason == "keyTime" ? Reason::key_compromise : Reason::ca_compromise;
        if (parts.size() < 3) return tl::unexpected("'" + std::string(reason) + "' needs a time");
        auto invalid = parse_asn1_time(parts[2]);
        if (!invalid) return tl::unexpected("bad compromise time '" + std::string(parts[2]) + "'");
        r.invalidity_date = *invalid;
        return {};
    }
    if (reason == "holdInstruction") {
        r.reason = Reason::certificate_hold;
        return {};
    }
    auto parsed = reason_from_name(reason);
    if (!parsed || *parsed == Reason::remove_from_crl) {
        return tl::unexpected("unknown revocation reason '" + std::string(reason) + "'");
    }
    r.reason = *parsed;
    return {};
}

}  // namespace

std::string openssl_dn_to_rfc4514(std::string_view dn) {
    if (dn.empty() || dn.front() != '/') return std::string(dn);
    std::vector<std::string> rdns;
    std::string current;
    for (std::size_t i = 1; i <= dn.size(); ++i) {
        if (i == dn.size() || (dn[i] == '/' && dn[i - 1] != '\\')) {
            rdns.push_back(current);
            current.clear();
        } else if (dn[i] == ',' || dn[i] == '+') {
            current += '\\';
            current += dn[i];
        } else if (!(dn[i] == '\\' && i + 1 < dn.size() && dn[i + 1] == '/')) {
            current += dn[i];
        }
    }
    std::string out;
    for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
        if (it->empty()) continue;
        out += (out.empty() ? "" : ",") + *it;
    }
    return out;
}

tl::expected<IndexEntry, std::string> parse_index_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto f = split(line, '\t');
    if (f.size() != 6) {
        return tl::unexpected("expected 6 tab-separated fields, found " + std::to_string(f.size()));
    }
    IndexEntry e;
    auto expiry = parse_asn1_time(f[1]);
    if (!expiry) return tl::unexpected("bad expiry time '" + std::string(f[1]) + "'");
    e.record.not_after = *expiry;
    auto serial = Serial::from_hex(f[3]);
    if (!serial) return tl::unexpected("bad serial '" + std::string(f[3]) + "'");
    e.serial = *serial;
    e.record.subject = openssl_dn_to_rfc4514(f[5]);
    if (f[0] == "V" || f[0] == "E") {
        if (!f[2].empty()) {
            return tl::unexpected("status " + std::string(f[0]) + " with a revocation field");
        }
        e.record.state = CertState::issued;
    } else if (f[0] == "R") {
        if (f[2].empty()) return tl::unexpected(std::string("status R without a revocation time"));
        if (auto ok = parse_revocation(f[2], e.record); !ok) return tl::unexpected(ok.error());
    } else {
        return tl::unexpected("unknown status '" + std::string(f[0]) + "' (expected V, R or E)");
    }
    return e;
}

void add_problem(IndexParse& parse, int line, std::string message) {
    if (parse.problems.size() < kMaxProblems) parse.problems.push_back({line, std::move(message)});
    ++parse.problem_count;
}

Result<IndexParse> scan_index_txt(std::istream& in, const IndexSink& sink) {
    IndexParse out;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line == "\r") continue;
        auto entry = parse_index_line(line);
        if (!entry) {
            add_problem(out, number, entry.error());
            continue;
        }
        entry->line = number;
        if (auto ok = sink(*entry); !ok) return tl::unexpected(ok.error());
    }
    return out;
}

void DuplicateSerials::feed(const IndexEntry& entry, IndexParse& into) {
    // Duplicate serials would make the import order-dependent.
    if (any_ && entry.serial == last_ && entry.line > 0 && last_line_ > 0) {
        add_problem(into, std::max(entry.line, last_line_),
                    "serial " + entry.serial.to_hex() + " listed again (first on line " +
                        std::to_string(std::min(entry.line, last_line_)) + ")");
    }
    if (!any_ || entry.serial != last_ || last_line_ == 0) {
        last_ = entry.serial;
        last_line_ = entry.line;
    }
    any_ = true;
}

IndexParse parse_index_txt(std::istream& in) {
    std::vector<IndexEntry> entries;
    auto scanned = scan_index_txt(in, [&](const IndexEntry& e) -> Result<void> {
        entries.push_back(e);
        return {};
    });
    IndexParse out = std::move(*scanned);  // the sink above cannot fail
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return entries[a].serial < entries[b].serial;
    });
    DuplicateSerials duplicates;
    for (auto i : order) duplicates.feed(entries[i], out);
    std::sort(out.problems.begin(), out.problems.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    out.entries = std::move(entries);
    return out;
}

}  // namespace tanda::admin
