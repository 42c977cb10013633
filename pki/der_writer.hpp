// pki-internal: appending DER (X.690) TLVs to a byte buffer by hand, for encoders that must not
// build one OpenSSL object per element (CRL entries). Never included outside pki/.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "core/bytes.hpp"
#include "core/clock.hpp"

namespace tanda::pki::der {

inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kEnumerated = 0x0a;
inline constexpr std::uint8_t kUtcTime = 0x17;
inline constexpr std::uint8_t kGeneralizedTime = 0x18;
inline constexpr std::uint8_t kBoolean = 0x01;
inline constexpr std::uint8_t kSequence = 0x30;

// Octets of the length field for a content of `n` octets (1 for n < 128).
std::size_t length_size(std::size_t n) noexcept;
// Writes tag and length; the caller appends exactly `length` content octets next.
void put_header(Bytes& out, std::uint8_t tag, std::size_t length);
// Writes tag and length ending just before `end` (right-aligned); returns the header size.
// `end - size` must not underflow the buffer (callers reserve headroom).
std::size_t put_header_before(std::byte* end, std::uint8_t tag, std::size_t length) noexcept;
void put_tlv(Bytes& out, std::uint8_t tag, ByteView content);
// A TLV whose content is the concatenation of `parts`.
Bytes tlv(std::uint8_t tag, std::initializer_list<ByteView> parts);

// INTEGER of a non-negative number given as its big-endian magnitude (leading zeros ignored).
void put_unsigned(Bytes& out, ByteView magnitude);
void put_unsigned(Bytes& out, std::uint64_t value);
// RFC 5280 4.1.2.5 / 5.1.2.4: UTCTime for 1950-2049, GeneralizedTime otherwise.
void put_time(Bytes& out, UnixSeconds t);
void put_generalized_time(Bytes& out, UnixSeconds t);
// Size of put_time's output: 15 (UTCTime) or 17 (GeneralizedTime).
std::size_t time_size(UnixSeconds t) noexcept;

}  // namespace tanda::pki::der
