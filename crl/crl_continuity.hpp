// CRL number continuity for a CA that issued CRLs before Tanda: RFC 5280 5.2.3 wants its numbers
// to keep increasing, so Tanda's first CRL must be above the last number the CA used. That
// number is stored as the floor of the CA's CRL number counter (storage/FORMAT.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::crl {

// The storage meta key of a CA's CRL number counter: the last number issued.
std::string crl_number_key(storage::IssuerId issuer);

// The last number a CA used, read from OpenSSL's `crlnumber` file (`openssl ca`, see ca(1)):
// the file holds the NEXT number to use, in hex ("03E9" = 1001, so 1000 was the last used);
// 0 when it says 0 (no CRL numbered yet). ErrorCode::invalid_argument for anything else than
// hex digits and a line end, or a number above 2^64-1.
[[nodiscard]] Result<std::uint64_t> last_number_from_crlnumber(std::string_view text);

// Makes the CA's next CRL number greater than `last_used`, durably; never lowers the counter.
// Returns the counter now (the next CRL gets at least one more).
[[nodiscard]] Result<std::uint64_t> continue_crl_numbers_above(storage::RevocationIndex& index,
                                                               storage::IssuerId issuer,
                                                               std::uint64_t last_used);

}  // namespace tanda::crl
