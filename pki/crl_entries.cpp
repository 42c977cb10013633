#include "pki/crl_entries.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/asn1_time.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

Serial serial_of(const ASN1_INTEGER* n) {
    return Serial::from_magnitude(
        ByteView(reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(n)),
                 static_cast<std::size_t>(ASN1_STRING_length(n))));
}

Result<ReadCrlEntry> read_entry(X509_REVOKED* r) {
    ReadCrlEntry e;
    e.serial = serial_of(X509_REVOKED_get0_serialNumber(r));
    e.revoked_at = to_unix(X509_REVOKED_get0_revocationDate(r));
    const std::string which = "CRL entry " + e.serial.to_hex();
    int critical = 0;
    auto* issuer = static_cast<GENERAL_NAMES*>(
        X509_REVOKED_get_ext_d2i(r, NID_certificate_issuer, &critical, nullptr));
    if (issuer != nullptr || critical != -1) {  // -1: absent
        GENERAL_NAMES_free(issuer);
        discard_openssl_errors();
        return fail(ErrorCode::invalid_argument,
                    which + " names a certificate issuer: indirect CRLs are not imported");
    }
    auto* code = static_cast<ASN1_ENUMERATED*>(
        X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &critical, nullptr));
    if (code != nullptr) {
        const long value = ASN1_ENUMERATED_get(code);
        ASN1_ENUMERATED_free(code);
        auto reason = value < 0 ? std::nullopt : reason_from_code(static_cast<unsigned>(value));
        if (!reason) {
            return fail(ErrorCode::invalid_argument, which + " has reason code " +
                                                         std::to_string(value) +
                                                         ", which RFC 5280 does not define");
        }
        e.reason = *reason;
    } else if (critical != -1) {
        return crypto_fail(which + ": reasonCode");
    }
    auto* invalidity = static_cast<ASN1_GENERALIZEDTIME*>(
        X509_REVOKED_get_ext_d2i(r, NID_invalidity_date, &critical, nullptr));
    if (invalidity != nullptr) {
        e.invalidity_date = to_unix(invalidity);
        ASN1_GENERALIZEDTIME_free(invalidity);
    } else if (critical != -1) {
        return crypto_fail(which + ": invalidityDate");
    }
    return e;
}

}  // namespace

Result<std::vector<ReadCrlEntry>> read_crl_entries(ByteView der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    if (!crl) return crypto_fail("decode CRL");
    std::vector<ReadCrlEntry> out;
    STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
    const int n = revoked != nullptr ? sk_X509_REVOKED_num(revoked) : 0;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        auto entry = read_entry(sk_X509_REVOKED_value(revoked, i));
        if (!entry) return tl::unexpected(entry.error());
        out.push_back(std::move(*entry));
    }
    return out;
}

}  // namespace tanda::pki
