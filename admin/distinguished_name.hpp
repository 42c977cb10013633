// Distinguished names compared as names, not strings (RFC 4517 distinguishedNameMatch, with
// RFC 4518 caseIgnore/whitespace folding for ASCII): the DN an operator checked may be written as
// RFC 4514 text or as OpenSSL prints it, and the record holds whichever its source gave.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tanda::admin {

// One attribute type and value, normalised: type as a canonical upper-case short name ("CN",
// "O", "EMAILADDRESS", or the dotted OID / given name upper-cased when unknown); value unescaped,
// trimmed, inner whitespace runs collapsed to one space, ASCII lower-cased.
struct Ava {
    std::string type;
    std::string value;
    friend bool operator==(const Ava&, const Ava&) = default;
    friend auto operator<=>(const Ava&, const Ava&) = default;
};
using Rdn = std::vector<Ava>;  // sorted, so multi-valued RDNs compare as sets

// A parsed name, most specific RDN first (RFC 4514 order).
struct DistinguishedName {
    std::vector<Rdn> rdns;
    friend bool operator==(const DistinguishedName&, const DistinguishedName&) = default;
};

// Accepts, recognised by their shape:
//   RFC 4514 / 2253      "CN=Budi Santoso,O=Tanda Demo,C=ID"   (also ';' between RDNs)
//   OpenSSL slash form   "/C=ID/O=Tanda Demo/CN=Budi Santoso"  (X509_NAME_oneline, index.txt)
//   OpenSSL 3 one-line   "C = ID, O = Tanda Demo, CN = Budi Santoso"  (openssl x509 -subject)
// The two OpenSSL forms list the most general RDN first and are reversed here. A leading
// "subject=" / "Subject:" label (as openssl x509 -subject / -text print it) is dropped. Types are
// matched by name, alias, dotted OID or "OID."-prefixed OID ("OID.2.5.4.13" is DESCRIPTION).
// nullopt when the text is empty or malformed (an attribute without '=', a bad escape, an empty
// type).
std::optional<DistinguishedName> parse_dn(std::string_view text);

// True when both parse and are the same name. What authentication uses (admin.roles): a name
// with its RDNs in another order is another name.
bool same_dn(std::string_view a, std::string_view b);

// same_dn, or the same RDNs in reverse order: "C=ID, O=Org, CN=Name" (most general first, as
// many tools and letters write it) matches "CN=Name,O=Org,C=ID". For checking the DN an operator
// typed against a record that the serial already chose; never for deciding who someone is. Any
// other reordering, a missing or extra RDN or a different value does not match.
bool same_dn_either_order(std::string_view a, std::string_view b);

}  // namespace tanda::admin
