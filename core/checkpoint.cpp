#include "core/checkpoint.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/bytes.hpp"
#include "core/time_format.hpp"

namespace tanda {
namespace {

constexpr std::string_view kMagic = "tanda-checkpoint 1\n";

// The value of the line "<key>: <value>\n" at the start of `text`; advances past it.
std::optional<std::string_view> take_line(std::string_view& text, std::string_view key) {
    if (!text.starts_with(key) || !text.substr(key.size()).starts_with(": ")) return std::nullopt;
    auto end = text.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    auto value = text.substr(key.size() + 2, end - key.size() - 2);
    text.remove_prefix(end + 1);
    return value;
}

std::optional<std::uint64_t> parse_seq(std::string_view v) {
    std::uint64_t seq = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seq);
    if (ec != std::errc() || end != v.data() + v.size() || v.starts_with('0')) return std::nullopt;
    return seq;
}

std::optional<Sha256Digest> parse_head(std::string_view v) {
    const bool lower_hex = std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    auto bytes = lower_hex && v.size() == 64 ? from_hex(v) : std::nullopt;
    if (!bytes) return std::nullopt;
    Sha256Digest d{};
    std::copy(bytes->begin(), bytes->end(), d.begin());
    return d;
}

}  // namespace

std::string format_checkpoint(const Checkpoint& c) {
    return std::string(kMagic) + "seq: " + std::to_string(c.seq) + "\nhead: " + to_hex(c.head) +
           "\ntime: " + format_rfc3339(c.time) + "\n";
}

Result<Checkpoint> parse_checkpoint(std::string_view text) {
    auto bad = [](std::string why) {
        return fail(ErrorCode::invalid_argument, "not a tanda checkpoint: " + why);
    };
    if (!text.starts_with(kMagic)) return bad("it does not start with \"tanda-checkpoint 1\"");
    text.remove_prefix(kMagic.size());
    auto seq_text = take_line(text, "seq");
    auto seq = seq_text ? parse_seq(*seq_text) : std::nullopt;
    if (!seq || *seq == 0) return bad("missing or bad 'seq' line");
    auto head_text = take_line(text, "head");
    auto head = head_text ? parse_head(*head_text) : std::nullopt;
    if (!head) return bad("missing or bad 'head' line");
    auto time_text = take_line(text, "time");
    auto time = time_text ? parse_rfc3339(*time_text) : std::nullopt;
    if (!time) return bad("missing or bad 'time' line");
    Checkpoint c{*seq, *head, *time};
    // Only the canonical form, so one checkpoint has one payload.
    if (!text.empty() || format_rfc3339(c.time) != *time_text) return bad("not canonical");
    return c;
}

}  // namespace tanda
