#include "core/time_format.hpp"

#include <charconv>
#include <cstdio>

#include "core/civil_time.hpp"

namespace tanda {
namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return true;
}

// The fields come from read_int, so none is negative.
std::optional<UnixSeconds> to_unix(int y, int mo, int d, int h, int mi, int s) {
    return from_civil_time({y, static_cast<unsigned>(mo), static_cast<unsigned>(d),
                            static_cast<unsigned>(h), static_cast<unsigned>(mi),
                            static_cast<unsigned>(s)});
}

}  // namespace

std::optional<UnixSeconds> parse_asn1_time(std::string_view t) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    std::size_t p = 0;
    if (t.size() == 13) {
        if (!read_int(t, 0, 2, y)) return std::nullopt;
        y += y < 50 ? 2000 : 1900;
        p = 2;
    } else if (t.size() == 15) {
        if (!read_int(t, 0, 4, y)) return std::nullopt;
        p = 4;
    } else {
        return std::nullopt;
    }
    if (t.back() != 'Z' || !read_int(t, p, 2, mo) || !read_int(t, p + 2, 2, d) ||
        !read_int(t, p + 4, 2, h) || !read_int(t, p + 6, 2, mi) || !read_int(t, p + 8, 2, s)) {
        return std::nullopt;
    }
    return to_unix(y, mo, d, h, mi, s);
}

std::string format_rfc3339(UnixSeconds t) {
    const CivilTime c = to_civil_time(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month, c.day,
                  c.hour, c.minute, c.second);
    return buf;
}

std::string format_http_date(UnixSeconds t) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const CivilTime c = to_civil_time(t);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02u:%02u:%02u GMT", kDays[c.weekday], c.day,
                  kMonths[c.month - 1], c.year, c.hour, c.minute, c.second);
    return buf;
}

std::optional<UnixSeconds> parse_http_date(std::string_view t) {
    static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int d, y, h, mi, s;
    if (t.size() != 29 || t.substr(25) != " GMT" || t[3] != ',' || !read_int(t, 5, 2, d) ||
        !read_int(t, 12, 4, y) || !read_int(t, 17, 2, h) || !read_int(t, 20, 2, mi) ||
        !read_int(t, 23, 2, s)) {
        return std::nullopt;
    }
    auto pos = kMonths.find(t.substr(8, 3));
    if (pos == std::string_view::npos || pos % 3 != 0) return std::nullopt;
    return to_unix(y, static_cast<int>(pos / 3) + 1, d, h, mi, s);
}

std::optional<UnixSeconds> parse_rfc3339(std::string_view t) {
    int y, mo, d, h, mi, s;
    if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't') ||
        t[13] != ':' || t[16] != ':' || !read_int(t, 0, 4, y) || !read_int(t, 5, 2, mo) ||
        !read_int(t, 8, 2, d) || !read_int(t, 11, 2, h) || !read_int(t, 14, 2, mi) ||
        !read_int(t, 17, 2, s)) {
        return std::nullopt;
    }
    std::string_view rest = t.substr(19);
    if (!rest.empty() && rest.front() == '.') {
        std::size_t i = 1;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
        if (i == 1) return std::nullopt;
        rest.remove_prefix(i);
    }
    if (rest != "Z" && rest != "z" && rest != "+00:00") return std::nullopt;
    return to_unix(y, mo, d, h, mi, s);
}

}  // namespace tanda
