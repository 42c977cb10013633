// A certificate serial number as the unsigned big-endian magnitude of its ASN.1 INTEGER,
// normalised without leading zero bytes, so "00ff", "FF" and DER 02 02 00 FF compare equal.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace tanda {

class Serial {
public:
    Serial() = default;
    // Strips leading zero bytes; an all-zero or empty input is the serial 0.
    static Serial from_magnitude(ByteView big_endian);
    // Hex as in OpenSSL index.txt or the admin API; nullopt if not hex or longer than kMaxBytes.
    static std::optional<Serial> from_hex(std::string_view hex);

    // RFC 5280 4.1.2.2 allows 20 octets; real CAs exceed it slightly, so allow some slack.
    static constexpr std::size_t kMaxBytes = 32;

    ByteView bytes() const { return bytes_; }
    // Upper-case hex with an even number of digits, as openssl prints serials.
    std::string to_hex() const;

    friend auto operator<=>(const Serial&, const Serial&) = default;

private:
    Bytes bytes_;
};

}  // namespace tanda
