// Hand-written DER for the CRL encoder: lengths in minimal form (X.690 10.1), integers minimal
// and non-negative (8.3.2), times in the RFC 5280 4.1.2.5 profile (seconds, 'Z').
#include "pki/der_writer.hpp"

#include <array>
#include <cstring>

#include "core/civil_time.hpp"

namespace tanda::pki::der {
namespace {

constexpr UnixSeconds kYear1950 = -631152000;  // 1950-01-01T00:00:00Z
constexpr UnixSeconds kYear2050 = 2524608000;  // 2050-01-01T00:00:00Z

std::byte* two(std::byte* p, unsigned v) {
    p[0] = std::byte(static_cast<unsigned char>('0' + v / 10 % 10));
    p[1] = std::byte(static_cast<unsigned char>('0' + v % 10));
    return p + 2;
}

void put_time_text(Bytes& out, UnixSeconds t, bool generalized) {
    const CivilTime c = to_civil_time(t);
    std::array<std::byte, 17> buf{};
    buf[0] = std::byte{generalized ? kGeneralizedTime : kUtcTime};
    buf[1] = std::byte{static_cast<unsigned char>(generalized ? 15 : 13)};
    std::byte* p = buf.data() + 2;
    auto year = static_cast<unsigned>(c.year);
    if (generalized) p = two(p, year / 100);
    p = two(p, year % 100);
    p = two(p, c.month);
    p = two(p, c.day);
    p = two(p, c.hour);
    p = two(p, c.minute);
    p = two(p, c.second);
    *p++ = std::byte{'Z'};
    out.insert(out.end(), buf.data(), p);
}

}  // namespace

std::size_t length_size(std::size_t n) noexcept {
    if (n < 128) return 1;
    std::size_t size = 1;
    for (; n > 0; n >>= 8) ++size;
    return size;
}

void put_header(Bytes& out, std::uint8_t tag, std::size_t length) {
    std::array<std::byte, 10> buf{};
    std::size_t size = put_header_before(buf.data() + buf.size(), tag, length);
    out.insert(out.end(), buf.end() - static_cast<std::ptrdiff_t>(size), buf.end());
}

std::size_t put_header_before(std::byte* end, std::uint8_t tag, std::size_t length) noexcept {
    std::byte* p = end;
    if (length < 128) {
        *--p = std::byte(static_cast<unsigned char>(length));
    } else {
        unsigned char count = 0;
        for (std::size_t n = length; n > 0; n >>= 8, ++count) {
            *--p = std::byte(static_cast<unsigned char>(n & 0xff));
        }
        *--p = std::byte(static_cast<unsigned char>(0x80 | count));
    }
    *--p = std::byte{tag};
    return static_cast<std::size_t>(end - p);
}

void put_tlv(Bytes& out, std::uint8_t tag, ByteView content) {
    put_header(out, tag, content.size());
    out.insert(out.end(), content.begin(), content.end());
}

Bytes tlv(std::uint8_t tag, std::initializer_list<ByteView> parts) {
    std::size_t length = 0;
    for (auto p : parts) length += p.size();
    Bytes out;
    out.reserve(length + 6);
    put_header(out, tag, length);
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

void put_unsigned(Bytes& out, ByteView magnitude) {
    while (!magnitude.empty() && magnitude.front() == std::byte{0}) magnitude = magnitude.subspan(1);
    if (magnitude.empty()) {
        const std::byte zero[] = {std::byte{kInteger}, std::byte{1}, std::byte{0}};
        out.insert(out.end(), zero, zero + 3);
        return;
    }
    const bool pad = (magnitude.front() & std::byte{0x80}) != std::byte{0};
    put_header(out, kInteger, magnitude.size() + (pad ? 1 : 0));
    if (pad) out.push_back(std::byte{0});
    out.insert(out.end(), magnitude.begin(), magnitude.end());
}

void put_unsigned(Bytes& out, std::uint64_t value) {
    std::array<std::byte, 8> be{};
    for (int i = 7; i >= 0; --i, value >>= 8) be[static_cast<std::size_t>(i)] = std::byte(value & 0xff);
    put_unsigned(out, be);
}

void put_time(Bytes& out, UnixSeconds t) {
    put_time_text(out, t, t < kYear1950 || t >= kYear2050);
}

void put_generalized_time(Bytes& out, UnixSeconds t) { put_time_text(out, t, true); }

std::size_t time_size(UnixSeconds t) noexcept {
    return t < kYear1950 || t >= kYear2050 ? 17 : 15;
}

}  // namespace tanda::pki::der
