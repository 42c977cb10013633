#include "pki/crl_entries.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/asn1_time.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<&GENERAL_NAMES_free>>;
using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, OpenSslDeleter<&ASN1_ENUMERATED_free>>;
using IssuingDistPointPtr =
    std::unique_ptr<ISSUING_DIST_POINT, OpenSslDeleter<&ISSUING_DIST_POINT_free>>;

tl::unexpected<Error> refused(const std::string& why) {
    discard_openssl_errors();
    return fail(ErrorCode::invalid_argument, why);
}

std::string name_of(X509_EXTENSION* ext) {
    char text[80];
    OBJ_obj2txt(text, sizeof text, X509_EXTENSION_get_object(ext), 0);
    return text;
}

// RFC 5280 5.2, 5.3: a CRL (or entry) with a critical extension it cannot process must not be
// used. `known` lists the NIDs read here.
Result<void> critical_understood(X509_EXTENSION* ext, std::initializer_list<int> known,
                                 const std::string& where) {
    if (X509_EXTENSION_get_critical(ext) == 0) return {};
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    for (int k : known) {
        if (k == nid) return {};
    }
    return refused(where + " has a critical extension " + name_of(ext) + " Tanda does not process");
}

// A CRL that covers part of the CA's certificates would lift every hold it leaves out.
Result<void> complete_scope(X509_CRL* crl) {
    int critical = 0;
    IssuingDistPointPtr idp(static_cast<ISSUING_DIST_POINT*>(
        X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &critical, nullptr)));
    if (!idp) {
        if (critical == -1) return {};  // absent
        return refused("its issuingDistributionPoint cannot be read");
    }
    if (idp->onlyuser || idp->onlyCA || idp->onlyattr || idp->onlysomereasons != nullptr ||
        idp->indirectCRL) {
        return refused(
            "it covers part of the CA's certificates (issuingDistributionPoint with "
            "onlyContains..., onlySomeReasons or indirectCRL): only complete CRLs "
            "and their deltas are imported");
    }
    return {};
}

Result<ReadCrlEntry> read_entry(X509_REVOKED* r) {
    ReadCrlEntry e;
    const ASN1_INTEGER* serial = X509_REVOKED_get0_serialNumber(r);
    const int length = ASN1_STRING_length(serial);
    if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER || length <= 0 ||
        static_cast<std::size_t>(length) > Serial::kMaxBytes) {
        return refused("a CRL entry has a negative, empty or over-long serial number");
    }
    e.serial = Serial::from_magnitude(
        ByteView(reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(serial)),
                 static_cast<std::size_t>(length)));
    const std::string which = "CRL entry " + e.serial.to_hex();
    e.revoked_at = to_unix(X509_REVOKED_get0_revocationDate(r));
    if (e.revoked_at <= 0) return refused(which + " has no readable revocationDate");
    const STACK_OF(X509_EXTENSION)* exts = X509_REVOKED_get0_extensions(r);
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
        auto ok = critical_understood(sk_X509_EXTENSION_value(exts, i),
                                      {NID_crl_reason, NID_invalidity_date}, which);
        if (!ok) return tl::unexpected(ok.error());
    }
    int critical = 0;
    GeneralNamesPtr issuer(static_cast<GENERAL_NAMES*>(
        X509_REVOKED_get_ext_d2i(r, NID_certificate_issuer, &critical, nullptr)));
    if (issuer || critical != -1) {  // -1: absent
        return refused(which + " names a certificate issuer: indirect CRLs are not imported");
    }
    Asn1EnumeratedPtr code(static_cast<ASN1_ENUMERATED*>(
        X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &critical, nullptr)));
    if (code) {
        const long value = ASN1_ENUMERATED_get(code.get());
        auto reason = value < 0 ? std::nullopt : reason_from_code(static_cast<unsigned>(value));
        if (!reason) {
            return refused(which + " has reason code " + std::to_string(value) +
                           ", which RFC 5280 does not define");
        }
        e.reason = *reason;
    } else if (critical != -1) {
        return refused(which + " has a reasonCode that cannot be read");
    }
    Asn1GeneralizedTimePtr invalidity(static_cast<ASN1_GENERALIZEDTIME*>(
        X509_REVOKED_get_ext_d2i(r, NID_invalidity_date, &critical, nullptr)));
    if (invalidity) {
        e.invalidity_date = to_unix(invalidity.get());
    } else if (critical != -1) {
        return refused(which + " has an invalidityDate that cannot be read");
    }
    return e;
}

}  // namespace

Result<std::vector<ReadCrlEntry>> read_crl_entries(ByteView der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    if (!crl) return refused("OpenSSL cannot decode it as a CRL");
    const STACK_OF(X509_EXTENSION)* exts = X509_CRL_get0_extensions(crl.get());
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
        auto ok = critical_understood(
            sk_X509_EXTENSION_value(exts, i),
            {NID_crl_number, NID_delta_crl, NID_issuing_distribution_point}, "the CRL");
        if (!ok) return tl::unexpected(ok.error());
    }
    if (auto ok = complete_scope(crl.get()); !ok) return tl::unexpected(ok.error());
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
