// OCSPRequest decoding (RFC 6960 4.1). Everything that is not exactly one well-formed request
// is `malformed`; the caller answers with malformedRequest. Input is untrusted: no path may
// crash, leak or leave entries on the OpenSSL error queue.
#include "pki/ocsp_request.hpp"

#include "pki/cert_id_hash.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

ByteView view(const ASN1_STRING* s) {
    return {reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(s)),
            static_cast<std::size_t>(ASN1_STRING_length(s))};
}

Bytes copy(const ASN1_STRING* s) {
    ByteView v = view(s);
    return Bytes(v.begin(), v.end());
}

std::optional<Bytes> cert_id_der(OCSP_CERTID* id) {
    unsigned char* der = nullptr;
    int len = i2d_OCSP_CERTID(id, &der);
    if (len <= 0) {
        return std::nullopt;
    }
    auto* begin = reinterpret_cast<const std::byte*>(der);
    Bytes out(begin, begin + len);
    OPENSSL_free(der);
    return out;
}

std::optional<RequestedCert> requested_cert(OCSP_ONEREQ* one) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(one);
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* hash_oid = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    ASN1_INTEGER* serial = nullptr;
    if (id == nullptr || OCSP_id_get0_info(&name_hash, &hash_oid, &key_hash, &serial, id) != 1 ||
        name_hash == nullptr || hash_oid == nullptr || key_hash == nullptr || serial == nullptr) {
        return std::nullopt;
    }
    // RFC 5280 4.1.2.2: serials are positive; a negative one names no certificate of ours.
    if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) {
        return std::nullopt;
    }
    auto der = cert_id_der(id);
    if (!der) {
        return std::nullopt;
    }
    return RequestedCert{hash_from_nid(OBJ_obj2nid(hash_oid)), copy(name_hash), copy(key_hash),
                         Serial::from_magnitude(view(serial)), std::move(*der)};
}

// RFC 9654 (and 8954): the extnValue holds a DER OCTET STRING whose contents are the nonce.
// Returns false when the extension is present but not decodable or repeated.
bool read_nonce(OCSP_REQUEST* req, std::optional<Bytes>& nonce) {
    int index = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1);
    if (index < 0) {
        return true;
    }
    if (OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, index) >= 0) {
        return false;  // RFC 5280 4.2: an extension appears at most once
    }
    ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(OCSP_REQUEST_get_ext(req, index));
    if (value == nullptr) {
        return false;
    }
    const unsigned char* p = ASN1_STRING_get0_data(value);
    const unsigned char* end = p + ASN1_STRING_length(value);
    Asn1OctetStringPtr inner(d2i_ASN1_OCTET_STRING(nullptr, &p, end - p));
    if (!inner || p != end) {
        return false;
    }
    nonce = copy(inner.get());
    return true;
}

// RFC 6960 4.4 (and RFC 5280 4.2): an extension marked critical that we do not understand must
// not be ignored. We understand the nonce, acceptable responses (we only produce the basic type
// every client must accept) and the service locator (we are the authoritative responder).
template <typename T, typename Count, typename Get>
bool only_known_critical(T* holder, Count count, Get get) {
    for (int i = 0; i < count(holder); ++i) {
        X509_EXTENSION* ext = get(holder, i);
        if (ext == nullptr || X509_EXTENSION_get_critical(ext) <= 0) continue;
        int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        if (nid != NID_id_pkix_OCSP_Nonce && nid != NID_id_pkix_OCSP_acceptableResponses &&
            nid != NID_id_pkix_OCSP_serviceLocator) {
            return false;
        }
    }
    return true;
}

}  // namespace

tl::expected<OcspRequest, RequestError> parse_ocsp_request(ByteView der,
                                                           const RequestLimits& limits) {
    auto malformed = [] {
        discard_openssl_errors();
        return tl::unexpected(RequestError::malformed);
    };
    if (der.empty()) {
        return malformed();
    }
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* end = p + der.size();
    OcspRequestPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
    if (!req || p != end) {
        return malformed();
    }
    int count = OCSP_request_onereq_count(req.get());
    if (count <= 0) {
        return malformed();
    }
    if (static_cast<std::size_t>(count) > limits.max_certs) {
        return tl::unexpected(RequestError::too_many_certs);
    }
    OcspRequest out;
    out.certs.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        OCSP_ONEREQ* one = OCSP_request_onereq_get0(req.get(), i);
        auto cert = requested_cert(one);
        if (!cert || !only_known_critical(one, OCSP_ONEREQ_get_ext_count, OCSP_ONEREQ_get_ext)) {
            return malformed();
        }
        out.certs.push_back(std::move(*cert));
    }
    if (!only_known_critical(req.get(), OCSP_REQUEST_get_ext_count, OCSP_REQUEST_get_ext) ||
        !read_nonce(req.get(), out.nonce)) {
        return malformed();
    }
    out.is_signed = OCSP_request_is_signed(req.get()) == 1;
    return out;
}

}  // namespace tanda::pki
