// RFC 7512 PKCS#11 URIs naming a private key on a token, e.g.
// `pkcs11:token=tanda;object=ocsp-signer;type=private?pin-source=file:/etc/tanda/pin`.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::pki {

struct Pkcs11Uri {
    // Path attributes (RFC 7512 2.3), percent-decoded; empty when absent.
    std::string token;
    std::string manufacturer;
    std::string model;
    std::string serial;
    std::string object;
    Bytes id;
    std::string type;  // "private" or empty
    // Query attributes. `module_path` (RFC 7512 2.3 module-path): the PKCS#11 library; empty
    // means p11-kit's proxy, which loads every module p11-kit knows.
    std::string module_path;
    // `pin-source`: "file:/abs/path", or "credential:NAME" for $CREDENTIALS_DIRECTORY/NAME
    // (systemd LoadCredential=). Empty: no login (a token without a PIN).
    std::string pin_source;
    // The URI as written. It never holds a PIN (pin-value is refused), so it may be logged.
    std::string text;
};

// Whether `text` starts with the scheme "pkcs11:" (case-insensitive): a key setting holding
// one is a token key, anything else is a file.
bool is_pkcs11_uri(std::string_view text);

// Parses `text`. ErrorCode::config, naming the URI and the attribute, when: the scheme is not
// pkcs11; an attribute is unknown, repeated, or badly percent-encoded; `pin-value` is present
// (a PIN never belongs in the config); `type` is not "private"; neither `object` nor `id` is
// given; `module-path` or a `file:` pin-source is not an absolute path; a credential name is
// not a plain file name.
[[nodiscard]] Result<Pkcs11Uri> parse_pkcs11_uri(std::string_view text);

}  // namespace tanda::pki
