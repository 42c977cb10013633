// OCSP request bodies (POST, or GET after base64) are the responder's most exposed input.
// Properties checked on every input:
//  - parse_ocsp_request() returns (no crash, leak or sanitizer report) and leaves nothing on the
//    OpenSSL error queue (its header's contract: the queue is per thread and would leak into the
//    next request's error reporting);
//  - differential: whenever the zero-allocation scanner scan_simple_ocsp_request() accepts an
//    input, the strict parser accepts it too, with exactly one CertID and the same hash
//    algorithm, issuer name hash, issuer key hash, serial, CertID bytes and nonce, and
//    to_request() makes the parser's request of it. The fast path answers from the cache, and
//    signs nonce answers, on the scanner's reading: any disagreement is a wrong OCSP answer.
//  - the scanner never accepts a signed request (the fast path skips the signature policy), and
//    verify_request_signature() on a signed one returns with nothing left on the error queue.
#include <algorithm>

#include <openssl/err.h>

#include "fuzz/fuzz_check.hpp"
#include "pki/ocsp_request.hpp"
#include "pki/ocsp_request_scan.hpp"
#include "pki/requestor_trust.hpp"

using tanda::fuzz::check;

namespace {

bool same(tanda::ByteView a, tanda::ByteView b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    tanda::ByteView der(reinterpret_cast<const std::byte*>(data), size);
    auto parsed = tanda::pki::parse_ocsp_request(der, tanda::pki::RequestLimits{});
    check(ERR_peek_error() == 0, "parse_ocsp_request left an error on the OpenSSL queue");
    if (parsed) {
        check(!parsed->certs.empty(), "accepted a request without CertIDs");
        check(parsed->certs.size() <= tanda::pki::RequestLimits{}.max_certs,
              "accepted more CertIDs than the limit");
        if (parsed->is_signed) {
            (void)tanda::pki::verify_request_signature(der, nullptr);
            check(ERR_peek_error() == 0, "verify_request_signature left an error on the queue");
        }
    }

    auto scanned = tanda::pki::scan_simple_ocsp_request(der);
    if (!scanned) return 0;
    check(parsed.has_value(), "scanner accepted what the strict parser rejects");
    check(!parsed->is_signed, "scanner accepted a signed request");
    check(parsed->certs.size() == 1, "scanner accepted a request the parser reads as several");
    check(parsed->nonce.has_value() == scanned->nonce.has_value(), "nonce presence differs");
    if (parsed->nonce) check(same(*parsed->nonce, *scanned->nonce), "nonce differs");
    const auto& c = parsed->certs[0];
    check(c.hash == scanned->hash, "hash algorithm differs");
    check(same(c.name_hash, scanned->name_hash), "issuer name hash differs");
    check(same(c.key_hash, scanned->key_hash), "issuer key hash differs");
    check(c.serial == tanda::Serial::from_magnitude(scanned->serial), "serial differs");
    check(same(c.cert_id_der, scanned->cert_id_der), "CertID bytes differ");
    check(tanda::pki::to_request(*scanned) == *parsed,
          "to_request differs from the parser's request");
    return 0;
}
