// Which journal entries GET /v1/journal (and `tanda admin journal`) returns: by CA, serial,
// request id and a time range, read from the query string.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/api_error.hpp"
#include "core/serial.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

// Every criterion given must hold; none given matches every entry.
struct JournalFilter {
    std::optional<std::string> ca;  // a served CA's name, resolved to its issuer id by the service
    std::optional<Serial> serial;
    std::optional<std::string> request_id;
    std::optional<UnixSeconds> from;  // entry time >= from
    std::optional<UnixSeconds> to;    // entry time <= to
};

// Reads `ca`, `serial` (hex in the forms parse_serial takes), `request_id`, `from` and `to`
// (RFC 3339) from the query of `target`, percent-decoded; other keys are left to the caller.
// A bad value, an empty or repeated key, or from after to is 400 naming the key.
[[nodiscard]] ApiResult<JournalFilter> parse_journal_filter(std::string_view target);

// The target "/v1/journal?k=v&..." for the (key, value) pairs in order, each value
// percent-encoded (RFC 3986 2.1: everything but unreserved characters), for the CLI client.
std::string journal_target(const std::vector<std::pair<std::string, std::string>>& query);

// True when `entry` meets `filter`; `ca_issuer` is the issuer id filter.ca names (ignored when
// filter.ca is empty).
bool matches(const JournalFilter& filter, storage::IssuerId ca_issuer,
             const storage::JournalEntry& entry);

}  // namespace tanda::admin
