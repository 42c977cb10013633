#include "admin/distinguished_name.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/bytes.hpp"

namespace tanda::admin {
namespace {

// Canonical short names (RFC 4519, RFC 5280 appendix A, PKCS #9) keyed by upper-cased alias.
const std::map<std::string, std::string>& type_aliases() {
    static const std::map<std::string, std::string> aliases = {
        {"CN", "CN"}, {"COMMONNAME", "CN"}, {"2.5.4.3", "CN"},
        {"C", "C"}, {"COUNTRYNAME", "C"}, {"2.5.4.6", "C"},
        {"O", "O"}, {"ORGANIZATIONNAME", "O"}, {"2.5.4.10", "O"},
        {"OU", "OU"}, {"ORGANIZATIONALUNITNAME", "OU"}, {"2.5.4.11", "OU"},
        {"L", "L"}, {"LOCALITYNAME", "L"}, {"2.5.4.7", "L"},
        {"ST", "ST"}, {"S", "ST"}, {"STATEORPROVINCENAME", "ST"}, {"2.5.4.8", "ST"},
        {"STREET", "STREET"}, {"STREETADDRESS", "STREET"}, {"2.5.4.9", "STREET"},
        {"SERIALNUMBER", "SERIALNUMBER"}, {"2.5.4.5", "SERIALNUMBER"},
        {"SN", "SN"}, {"SURNAME", "SN"}, {"2.5.4.4", "SN"},
        {"GN", "GN"}, {"GIVENNAME", "GN"}, {"2.5.4.42", "GN"},
        {"TITLE", "TITLE"}, {"2.5.4.12", "TITLE"},
        {"DC", "DC"}, {"DOMAINCOMPONENT", "DC"}, {"0.9.2342.19200300.100.1.25", "DC"},
        {"UID", "UID"}, {"USERID", "UID"}, {"0.9.2342.19200300.100.1.1", "UID"},
        {"EMAILADDRESS", "EMAILADDRESS"}, {"E", "EMAILADDRESS"}, {"EMAIL", "EMAILADDRESS"},
        {"1.2.840.113549.1.9.1", "EMAILADDRESS"},
        {"ORGANIZATIONIDENTIFIER", "ORGANIZATIONIDENTIFIER"},
        {"2.5.4.97", "ORGANIZATIONIDENTIFIER"},
        {"POSTALCODE", "POSTALCODE"}, {"2.5.4.17", "POSTALCODE"},
        {"PSEUDONYM", "PSEUDONYM"}, {"2.5.4.65", "PSEUDONYM"},
        {"INITIALS", "INITIALS"}, {"2.5.4.43", "INITIALS"},
        {"DNQUALIFIER", "DNQUALIFIER"}, {"2.5.4.46", "DNQUALIFIER"},
        {"BUSINESSCATEGORY", "BUSINESSCATEGORY"}, {"2.5.4.15", "BUSINESSCATEGORY"},
        {"DESCRIPTION", "DESCRIPTION"}, {"2.5.4.13", "DESCRIPTION"},
    };
    return aliases;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Splits at separators that are neither escaped nor inside double quotes.
std::optional<std::vector<std::string_view>> split(std::string_view s, std::string_view seps) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {
            if (++i >= s.size()) return std::nullopt;
        } else if (s[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && seps.find(s[i]) != std::string_view::npos) {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    if (quoted) return std::nullopt;
    parts.push_back(s.substr(start));
    return parts;
}

std::string normal_type(std::string_view raw) {
    std::string upper;
    for (char c : trim(raw)) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (upper.starts_with("OID.")) upper.erase(0, 4);
    auto it = type_aliases().find(upper);
    return it != type_aliases().end() ? it->second : upper;
}

// Unescapes (\c and \XX), drops quotes, folds ASCII case and whitespace runs.
std::optional<std::string> normal_value(std::string_view raw) {
    // Leading and trailing blanks vanish below (a space is only written before a later char).
    if (std::string_view t = trim(raw); !t.empty() && t.front() == '#') {
        // RFC 4514 2.4: the hex of the BER value, compared as given.
        std::string hex;
        for (char c : t.substr(1)) hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        return "#" + hex;
    }
    std::string out;
    bool space = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '"') continue;
        if (c == '\\') {
            if (i + 2 < raw.size() && hex_digit_value(raw[i + 1]) >= 0 &&
                hex_digit_value(raw[i + 2]) >= 0) {
                c = static_cast<char>(hex_digit_value(raw[i + 1]) * 16 +
                                      hex_digit_value(raw[i + 2]));
                i += 2;
            } else if (i + 1 < raw.size()) {
                c = raw[++i];
            } else {
                return std::nullopt;
            }
        }
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space && !out.empty()) out.push_back(' ');
        space = false;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

std::optional<Rdn> parse_rdn(std::string_view text) {
    auto avas = split(text, "+");
    if (!avas) return std::nullopt;
    Rdn rdn;
    for (std::string_view ava : *avas) {
        auto eq = ava.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        std::string type = normal_type(ava.substr(0, eq));
        auto value = normal_value(ava.substr(eq + 1));
        if (type.empty() || !value) return std::nullopt;
        rdn.push_back(Ava{std::move(type), std::move(*value)});
    }
    std::sort(rdn.begin(), rdn.end());
    return rdn;
}

// "subject=C = ID, ..." (openssl x509 -subject) and "Subject: C = ID, ..." (openssl x509 -text)
// are pasted whole; "subject" is no attribute type, so the label can only be a label.
std::string_view drop_label(std::string_view text) {
    for (std::string_view label : {"subject=", "subject:", "issuer=", "issuer:"}) {
        if (text.size() >= label.size() &&
            std::equal(label.begin(), label.end(), text.begin(), [](char a, char b) {
                return a == std::tolower(static_cast<unsigned char>(b));
            })) {
            return trim(text.substr(label.size()));
        }
    }
    return text;
}

}  // namespace

std::optional<DistinguishedName> parse_dn(std::string_view text) {
    text = drop_label(trim(text));
    if (text.empty()) return std::nullopt;
    const bool slash = text.front() == '/';
    const bool openssl_oneline = !slash && text.find(" = ") != std::string_view::npos;
    auto parts = slash ? split(text.substr(1), "/") : split(text, ",;");
    if (!parts) return std::nullopt;
    DistinguishedName dn;
    for (std::string_view part : *parts) {
        auto rdn = parse_rdn(part);
        if (!rdn) return std::nullopt;
        dn.rdns.push_back(std::move(*rdn));
    }
    if (slash || openssl_oneline) std::reverse(dn.rdns.begin(), dn.rdns.end());
    return dn;
}

bool same_dn(std::string_view a, std::string_view b) {
    auto x = parse_dn(a);
    auto y = parse_dn(b);
    return x && y && *x == *y;
}

bool same_dn_either_order(std::string_view a, std::string_view b) {
    auto x = parse_dn(a);
    auto y = parse_dn(b);
    if (!x || !y) return false;
    if (*x == *y) return true;
    // "C=ID, O=Org, CN=Name" is how many tools and letters write a name (most general first)
    // without the OpenSSL spacing that marks that order; the same RDNs read the other way are
    // accepted. The serial, not the name, chooses the record, so this cannot pick another one.
    std::reverse(y->rdns.begin(), y->rdns.end());
    return *x == *y;
}

}  // namespace tanda::admin
