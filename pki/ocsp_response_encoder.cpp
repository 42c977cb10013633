#include "pki/ocsp_response_encoder.hpp"

#include <openssl/evp.h>

#include "pki/der_writer.hpp"
#include "pki/openssl_handles.hpp"
#include "pki/signing_digest.hpp"

namespace tanda::pki::detail {
namespace {

constexpr std::byte b(unsigned v) { return std::byte(static_cast<unsigned char>(v)); }

// id-pkix-ocsp arcs (RFC 6960 4.4): 1.3.6.1.5.5.7.48.1.<arc>
Bytes pkix_ocsp_oid(unsigned arc) {
    return {b(0x06), b(0x09), b(0x2b), b(0x06), b(0x01), b(0x05), b(0x05), b(0x07), b(0x30),
            b(0x01), b(arc)};
}
constexpr unsigned kBasic = 1, kNonce = 2, kArchiveCutoff = 6, kExtendedRevoke = 9;
const Bytes kInvalidityDateOid{b(0x06), b(0x03), b(0x55), b(0x1d), b(0x18)};  // 2.5.29.24

Bytes generalized_time(UnixSeconds t) {
    Bytes out;
    der::put_generalized_time(out, t);
    return out;
}

// Extension { extnID, extnValue OCTET STRING { value } } (critical absent: FALSE).
Bytes extension(ByteView oid, ByteView value) {
    return der::tlv(der::kSequence, {oid, der::tlv(der::kOctetString, {value})});
}

// One TLV with tag SEQUENCE spanning exactly `der` (the CertID is echoed byte for byte).
bool one_sequence(ByteView der) {
    if (der.size() < 2 || der[0] != b(der::kSequence)) return false;
    std::size_t len = std::to_integer<std::size_t>(der[1]), header = 2;
    if (len & 0x80) {
        std::size_t n = len & 0x7f;
        if (n == 0 || n > 3 || der.size() < 2 + n) return false;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | std::to_integer<std::size_t>(der[2 + i]);
        header += n;
    }
    return header + len == der.size();
}

Bytes single_response(const SingleStatus& s) {
    Bytes status;
    switch (s.kind) {
        case SingleStatusKind::good: status = {b(0x80), b(0x00)}; break;    // [0] IMPLICIT NULL
        case SingleStatusKind::unknown: status = {b(0x82), b(0x00)}; break; // [2] IMPLICIT NULL
        case SingleStatusKind::revoked: {
            // [1] IMPLICIT RevokedInfo { revocationTime, [0] EXPLICIT CRLReason OPTIONAL }
            Bytes reason;
            if (s.reason) {
                reason = der::tlv(0xa0, {Bytes{b(der::kEnumerated), b(0x01),
                                               b(static_cast<unsigned>(*s.reason))}});
            }
            status = der::tlv(0xa1, {generalized_time(s.revoked_at), reason});
            break;
        }
    }
    Bytes next;
    if (s.next_update != 0) next = der::tlv(0xa0, {generalized_time(s.next_update)});
    Bytes exts;
    if (s.archive_cutoff || s.invalidity_date) {
        Bytes list;
        if (s.archive_cutoff) {
            auto e = extension(pkix_ocsp_oid(kArchiveCutoff), generalized_time(*s.archive_cutoff));
            list.insert(list.end(), e.begin(), e.end());
        }
        if (s.invalidity_date) {
            auto e = extension(kInvalidityDateOid, generalized_time(*s.invalidity_date));
            list.insert(list.end(), e.begin(), e.end());
        }
        exts = der::tlv(0xa1, {der::tlv(der::kSequence, {list})});
    }
    return der::tlv(der::kSequence,
                    {s.cert_id_der, status, generalized_time(s.this_update), next, exts});
}

Bytes response_extensions(const ResponseExtras& extras) {
    Bytes list;
    if (extras.nonce) {
        // RFC 9654: extnValue is the DER OCTET STRING of the nonce.
        auto e = extension(pkix_ocsp_oid(kNonce), der::tlv(der::kOctetString, {*extras.nonce}));
        list.insert(list.end(), e.begin(), e.end());
    }
    if (extras.extended_revoke) {
        // RFC 6960 4.4.8: id-pkix-ocsp-extended-revoke, value NULL.
        auto e = extension(pkix_ocsp_oid(kExtendedRevoke), Bytes{b(0x05), b(0x00)});
        list.insert(list.end(), e.begin(), e.end());
    }
    if (list.empty()) return {};
    return der::tlv(0xa1, {der::tlv(der::kSequence, {list})});
}

}  // namespace

Result<ResponderParts> responder_parts(const Certificate& signer, const PrivateKey& key,
                                       bool include_cert) {
    auto algorithm = signature_algorithm_der(key);
    if (!algorithm) return tl::unexpected(algorithm.error());
    ResponderParts parts;
    parts.algorithm = std::move(*algorithm);
    // ResponderID byKey (RFC 6960 4.2.2.3): SHA-1 of the subjectPublicKey BIT STRING value.
    parts.responder_id = der::tlv(
        0xa2, {der::tlv(der::kOctetString, {signer.key_hash(HashAlgorithm::sha1)})});
    if (include_cert) parts.certs = der::tlv(0xa0, {der::tlv(der::kSequence, {signer.der()})});
    return parts;
}

Result<Bytes> encode_response_data(ByteView responder_id, std::span<const SingleStatus> statuses,
                                   const ResponseExtras& extras, UnixSeconds produced_at) {
    Bytes responses;
    for (const SingleStatus& s : statuses) {
        if (!one_sequence(s.cert_id_der)) {
            return fail(ErrorCode::invalid_argument, "SingleStatus.cert_id_der is not a DER CertID");
        }
        auto single = single_response(s);
        responses.insert(responses.end(), single.begin(), single.end());
    }
    // version v1 is the DEFAULT and so omitted (X.690 11.5).
    return der::tlv(der::kSequence, {responder_id, generalized_time(produced_at),
                                     der::tlv(der::kSequence, {responses}),
                                     response_extensions(extras)});
}

Bytes encode_successful_response(ByteView response_data, const ResponderParts& parts,
                                 ByteView signature) {
    Bytes bit_string{b(0x00)};  // no unused bits
    bit_string.insert(bit_string.end(), signature.begin(), signature.end());
    Bytes basic = der::tlv(der::kSequence, {response_data, parts.algorithm,
                                            der::tlv(der::kBitString, {bit_string}), parts.certs});
    Bytes response_bytes = der::tlv(
        der::kSequence, {pkix_ocsp_oid(kBasic), der::tlv(der::kOctetString, {basic})});
    return der::tlv(der::kSequence, {Bytes{b(der::kEnumerated), b(0x01), b(0x00)},
                                     der::tlv(0xa0, {response_bytes})});
}

}  // namespace tanda::pki::detail
