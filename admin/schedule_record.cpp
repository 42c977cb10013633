#include "admin/schedule_record.hpp"

#include <charconv>

#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

std::optional<UnixSeconds> number(std::string_view text) {
    UnixSeconds v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

void put(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += '=';
    for (char c : value) out += c == '\n' ? ' ' : c;
    out += '\n';
}

}  // namespace

std::string schedule_key(std::string_view request_id) {
    return "schedule:" + std::string(request_id);
}

std::string encode_schedule(const ScheduleRecord& s) {
    std::string out;
    put(out, "approved_at", std::to_string(s.approved_at));
    put(out, "mode", std::to_string(static_cast<unsigned>(s.mode)));
    put(out, "approved_by", s.approved_by_identity);
    if (s.cancel_requested_at) {
        put(out, "cancel_requested_at", std::to_string(*s.cancel_requested_at));
        put(out, "cancel_requested_by", s.cancel_requested_by_identity);
        put(out, "cancel_reason", s.cancel_reason);
    }
    put(out, "cancelled", s.cancelled ? "1" : "0");
    return out;
}

std::optional<ScheduleRecord> decode_schedule(std::string_view text) {
    ScheduleRecord s;
    bool approved = false;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view name = line.substr(0, eq), value = line.substr(eq + 1);
        if (name == "approved_at") {
            auto t = number(value);
            if (!t) return std::nullopt;
            s.approved_at = *t;
            approved = true;
        } else if (name == "mode") {
            s.mode = value == "1" ? storage::ApprovalMode::single : storage::ApprovalMode::dual;
        } else if (name == "approved_by") {
            s.approved_by_identity = std::string(value);
        } else if (name == "cancel_requested_at") {
            s.cancel_requested_at = number(value);
        } else if (name == "cancel_requested_by") {
            s.cancel_requested_by_identity = std::string(value);
        } else if (name == "cancel_reason") {
            s.cancel_reason = std::string(value);
        } else if (name == "cancelled") {
            s.cancelled = value == "1";
        }
    }
    if (!approved) return std::nullopt;
    return s;
}

std::string with_effective_at(std::string source, UnixSeconds effective_at) {
    const std::string part = ";effective_at=" + format_rfc3339(effective_at);
    const auto client = source.find(";client=");
    source.insert(client == std::string::npos ? source.size() : client, part);
    if (source.size() > storage::kMaxProvenanceFieldBytes) {
        source.resize(storage::kMaxProvenanceFieldBytes);
    }
    return source;
}

}  // namespace tanda::admin
