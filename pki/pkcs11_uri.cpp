#include "pki/pkcs11_uri.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <vector>

namespace tanda::pki {
namespace {

constexpr std::string_view kScheme = "pkcs11:";

std::optional<int> hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return std::nullopt;
}

// RFC 3986 2.1 percent-decoding; nullopt on a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '%') {
            out.push_back(v[i]);
            continue;
        }
        if (i + 2 >= v.size()) return std::nullopt;
        auto hi = hex_digit(v[i + 1]);
        auto lo = hex_digit(v[i + 2]);
        if (!hi || !lo) return std::nullopt;
        out.push_back(static_cast<char>(*hi * 16 + *lo));
        i += 2;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    while (!s.empty()) {
        auto at = s.find(sep);
        parts.push_back(s.substr(0, at));
        if (at == std::string_view::npos) break;
        s.remove_prefix(at + 1);
    }
    return parts;
}

class Parser {
public:
    explicit Parser(Pkcs11Uri& uri) : uri_(uri) {}

    // One `name=value` of the path (query == false) or the query; false after recording why.
    bool attribute(std::string_view item, bool query) {
        auto eq = item.find('=');
        if (eq == std::string_view::npos) {
            return refuse("an attribute is not name=value");
        }
        const std::string name(item.substr(0, eq));
        auto value = percent_decode(item.substr(eq + 1));
        if (!value) return refuse("attribute '" + name + "' has a bad percent-encoding");
        if (name == "pin-value") {
            return refuse(
                "pin-value is refused: a PIN never goes in the config; use "
                "pin-source=file:/path or pin-source=credential:NAME");
        }
        if (!seen_.insert(name).second) return refuse("attribute '" + name + "' is repeated");
        std::string* target = query ? query_target(name) : path_target(name);
        if (name == "id" && !query) {
            uri_.id.clear();
            for (char c : *value) uri_.id.push_back(static_cast<std::byte>(c));
            return true;
        }
        if (target == nullptr) {
            return refuse("unknown " + std::string(query ? "query" : "path") + " attribute '" +
                          name + "'");
        }
        *target = std::move(*value);
        return true;
    }

    std::string* path_target(const std::string& name) {
        if (name == "token") return &uri_.token;
        if (name == "manufacturer") return &uri_.manufacturer;
        if (name == "model") return &uri_.model;
        if (name == "serial") return &uri_.serial;
        if (name == "object") return &uri_.object;
        if (name == "type") return &uri_.type;
        return nullptr;
    }

    std::string* query_target(const std::string& name) {
        if (name == "module-path") return &uri_.module_path;
        if (name == "pin-source") return &uri_.pin_source;
        return nullptr;
    }

    bool refuse(std::string why) {
        why_ = std::move(why);
        return false;
    }
    const std::string& why() const { return why_; }

private:
    Pkcs11Uri& uri_;
    std::set<std::string> seen_;
    std::string why_;
};

// What is wrong with the attributes once all are read; empty when nothing.
std::string check(const Pkcs11Uri& uri) {
    if (!uri.type.empty() && uri.type != "private") {
        return "type must be 'private' (a signing key), not '" + uri.type + "'";
    }
    if (uri.object.empty() && uri.id.empty()) return "it names no key: give object= or id=";
    if (!uri.module_path.empty() && uri.module_path.front() != '/') {
        return "module-path must be an absolute path";
    }
    const std::string_view pin = uri.pin_source;
    if (pin.empty()) return {};
    if (pin.rfind("file:", 0) == 0) {
        return pin.size() > 5 && pin[5] == '/' ? "" : "pin-source file: needs an absolute path";
    }
    if (pin.rfind("credential:", 0) == 0) {
        const std::string_view name = pin.substr(11);
        const bool plain = !name.empty() && name != "." && name != ".." &&
                           name.find('/') == std::string_view::npos;
        return plain ? "" : "pin-source credential: needs a credential name without '/'";
    }
    return "pin-source must be file:/path or credential:NAME";
}

// `text` with the value of any pin-value attribute replaced, so that refusing it does not log it.
std::string redacted(std::string_view text) {
    std::string out(text);
    for (auto at = out.find("pin-value="); at != std::string::npos;
         at = out.find("pin-value=", at + 1)) {
        const auto start = at + 10;
        const auto end = out.find_first_of(";?&", start);
        out.replace(start, end == std::string::npos ? std::string::npos : end - start, "***");
    }
    return out;
}

}  // namespace

bool is_pkcs11_uri(std::string_view text) {
    return text.size() >= kScheme.size() &&
           std::equal(kScheme.begin(), kScheme.end(), text.begin(), [](char a, char b) {
               return a == std::tolower(static_cast<unsigned char>(b));
           });
}

Result<Pkcs11Uri> parse_pkcs11_uri(std::string_view text) {
    Pkcs11Uri uri;
    uri.text = redacted(text);
    auto refuse = [&](const std::string& why) {
        return fail(ErrorCode::config, "PKCS#11 URI '" + uri.text + "': " + why);
    };
    if (!is_pkcs11_uri(text)) return refuse("it does not start with pkcs11:");
    std::string_view rest = text.substr(kScheme.size());
    const auto q = rest.find('?');
    const std::string_view path = rest.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? "" : rest.substr(q + 1);
    Parser parser(uri);
    for (auto item : split(path, ';')) {
        if (!item.empty() && !parser.attribute(item, false)) return refuse(parser.why());
    }
    for (auto item : split(query, '&')) {
        if (!item.empty() && !parser.attribute(item, true)) return refuse(parser.why());
    }
    if (auto why = check(uri); !why.empty()) return refuse(why);
    return uri;
}

}  // namespace tanda::pki
