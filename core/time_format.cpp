#include "core/time_format.hpp"

#include <charconv>
#include <cstdio>

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

bool valid_date_time(int y, int mo, int d, int h, int mi, int s) {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1]) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap) return false;
    return h <= 23 && mi <= 59 && s <= 59 && y >= 1 && y <= 9999;
}

std::optional<UnixSeconds> to_unix(int y, int mo, int d, int h, int mi, int s) {
    if (!valid_date_time(y, mo, d, h, mi, s)) return std::nullopt;
    return days_from_civil(y, unsigned(mo), unsigned(d)) * 86400 + h * 3600 + mi * 60 + s;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

}  // namespace

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

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

namespace {

// A Unix time split into calendar fields (UTC).
struct Civil {
    std::int64_t days;  // since 1970-01-01
    int year;
    unsigned month, day;
    int hour, minute, second;
};

Civil to_civil(UnixSeconds t) {
    Civil c{};
    c.days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    std::int64_t secs = t - c.days * 86400;
    civil_from_days(c.days, c.year, c.month, c.day);
    c.hour = int(secs / 3600);
    c.minute = int(secs / 60 % 60);
    c.second = int(secs % 60);
    return c;
}

}  // namespace

std::string format_rfc3339(UnixSeconds t) {
    Civil c = to_civil(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", c.year, c.month, c.day,
                  c.hour, c.minute, c.second);
    return buf;
}

std::string format_http_date(UnixSeconds t) {
    static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    Civil c = to_civil(t);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                  kDays[((c.days % 7) + 7) % 7], c.day, kMonths[c.month - 1], c.year, c.hour,
                  c.minute, c.second);
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
