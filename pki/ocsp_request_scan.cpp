#include "pki/ocsp_request_scan.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace tanda::pki {
namespace {

constexpr std::byte kSequence{0x30};
constexpr std::byte kOctetString{0x04};
constexpr std::byte kInteger{0x02};
constexpr std::byte kOid{0x06};
constexpr std::byte kNull{0x05};
constexpr std::byte kBoolean{0x01};
constexpr std::byte kRequestExtensions{0xa2};  // TBSRequest's [2] EXPLICIT Extensions

// One DER TLV at the front of `in`: checks definite, minimal length encoding (X.690 10.1).
struct Tlv {
    std::byte tag{};
    ByteView value;
    ByteView whole;
};

std::optional<Tlv> read_tlv(ByteView& in) noexcept {
    if (in.size() < 2) return std::nullopt;
    const std::byte tag = in[0];
    std::size_t len = std::to_integer<std::size_t>(in[1]);
    std::size_t header = 2;
    if (len & 0x80) {
        const std::size_t n = len & 0x7f;
        if (n == 0 || n > 2 || in.size() < 2 + n) return std::nullopt;  // no indefinite, <64 KiB
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | std::to_integer<std::size_t>(in[2 + i]);
        if (len < 0x80 || (n == 2 && len < 0x100)) return std::nullopt;  // not minimal
        header += n;
    }
    if (in.size() - header < len) return std::nullopt;
    Tlv t{tag, in.subspan(header, len), in.first(header + len)};
    in = in.subspan(header + len);
    return t;
}

// A TLV with `tag` that must be the only content of `in`.
std::optional<Tlv> read_only(ByteView in, std::byte tag) noexcept {
    auto t = read_tlv(in);
    if (!t || t->tag != tag || !in.empty()) return std::nullopt;
    return t;
}

// Nested TLVs, each the only content of the one before, with these tags from the outside in:
// the innermost one.
std::optional<Tlv> read_nested(ByteView in, std::initializer_list<std::byte> tags) noexcept {
    std::optional<Tlv> t;
    for (std::byte tag : tags) {
        t = read_only(in, tag);
        if (!t) return std::nullopt;
        in = t->value;
    }
    return t;
}

template <std::size_t N>
bool equals(ByteView v, const std::array<unsigned char, N>& want) noexcept {
    return v.size() == N && std::equal(want.begin(), want.end(), v.begin(),
                                       [](unsigned char a, std::byte b) {
                                           return a == std::to_integer<unsigned char>(b);
                                       });
}

std::optional<HashAlgorithm> hash_of(ByteView oid) noexcept {
    static constexpr std::array<unsigned char, 5> kSha1{0x2b, 0x0e, 0x03, 0x02, 0x1a};
    static constexpr std::array<unsigned char, 9> kSha256{0x60, 0x86, 0x48, 0x01, 0x65,
                                                          0x03, 0x04, 0x02, 0x01};
    if (equals(oid, kSha1)) return HashAlgorithm::sha1;
    if (oid.size() != kSha256.size() || !std::equal(kSha256.begin(), kSha256.end() - 1, oid.begin(),
                                                     [](unsigned char a, std::byte b) {
                                                         return a == std::to_integer<unsigned char>(b);
                                                     })) {
        return std::nullopt;
    }
    switch (std::to_integer<unsigned>(oid.back())) {
        case 1: return HashAlgorithm::sha256;
        case 2: return HashAlgorithm::sha384;
        case 3: return HashAlgorithm::sha512;
        default: return std::nullopt;
    }
}

Bytes copy(ByteView v) { return Bytes(v.begin(), v.end()); }

// [2] { SEQUENCE { Extension { id-pkix-ocsp-nonce, critical TRUE (optional), OCTET STRING {
// OCTET STRING nonce } } } }: the nonce and nothing else (RFC 6960 4.4.1, RFC 9654).
std::optional<ByteView> read_nonce_extension(ByteView request_extensions) noexcept {
    static constexpr std::array<unsigned char, 9> kNonceOid{0x2b, 0x06, 0x01, 0x05, 0x05,
                                                            0x07, 0x30, 0x01, 0x02};
    auto extension = read_nested(request_extensions, {kRequestExtensions, kSequence, kSequence});
    if (!extension) return std::nullopt;
    ByteView fields = extension->value;
    auto oid = read_tlv(fields);
    if (!oid || oid->tag != kOid || !equals(oid->value, kNonceOid)) return std::nullopt;
    auto value = read_tlv(fields);
    if (value && value->tag == kBoolean) {
        // DER leaves out the default FALSE, so only TRUE may appear, as FF (X.690 11.1).
        if (value->value.size() != 1 || value->value[0] != std::byte{0xff}) return std::nullopt;
        value = read_tlv(fields);
    }
    if (!value || value->tag != kOctetString || !fields.empty()) return std::nullopt;
    auto nonce = read_only(value->value, kOctetString);
    if (!nonce) return std::nullopt;
    return nonce->value;
}

std::size_t digest_size(HashAlgorithm alg) noexcept {
    switch (alg) {
        case HashAlgorithm::sha1: return 20;
        case HashAlgorithm::sha256: return 32;
        case HashAlgorithm::sha384: return 48;
        case HashAlgorithm::sha512: return 64;
    }
    return 0;
}

}  // namespace

std::optional<SimpleRequestView> scan_simple_ocsp_request(ByteView der) noexcept {
    // OCSPRequest { tbsRequest } -> TBSRequest { requestList } -> SEQUENCE OF { Request }
    // -> Request { reqCert } -> CertID (RFC 6960 4.1.1).
    auto tbs = read_nested(der, {kSequence, kSequence});
    if (!tbs) return std::nullopt;
    ByteView tbs_fields = tbs->value;
    auto list = read_tlv(tbs_fields);
    if (!list || list->tag != kSequence) return std::nullopt;
    std::optional<ByteView> nonce;
    if (!tbs_fields.empty()) {
        nonce = read_nonce_extension(tbs_fields);
        if (!nonce) return std::nullopt;
    }
    auto cert_id = read_nested(list->value, {kSequence, kSequence});  // one Request { CertID }
    if (!cert_id) return std::nullopt;

    ByteView fields = cert_id->value;
    auto alg = read_tlv(fields);
    auto name_hash = read_tlv(fields);
    auto key_hash = read_tlv(fields);
    auto serial = read_tlv(fields);
    if (!alg || !name_hash || !key_hash || !serial || !fields.empty() || alg->tag != kSequence ||
        name_hash->tag != kOctetString || key_hash->tag != kOctetString ||
        serial->tag != kInteger) {
        return std::nullopt;
    }
    // AlgorithmIdentifier { OID, NULL or absent parameters }.
    ByteView alg_fields = alg->value;
    auto oid = read_tlv(alg_fields);
    if (!oid || oid->tag != kOid) return std::nullopt;
    if (!alg_fields.empty()) {
        auto params = read_tlv(alg_fields);
        if (!params || params->tag != kNull || !params->value.empty() || !alg_fields.empty()) {
            return std::nullopt;
        }
    }
    auto hash = hash_of(oid->value);
    if (!hash || name_hash->value.size() != digest_size(*hash) ||
        key_hash->value.size() != digest_size(*hash)) {
        return std::nullopt;
    }
    // INTEGER: non-empty, minimal (X.690 8.3.2), positive.
    ByteView s = serial->value;
    if (s.empty() || (std::to_integer<unsigned>(s[0]) & 0x80)) return std::nullopt;
    if (s.size() > 1 && s[0] == std::byte{0} && !(std::to_integer<unsigned>(s[1]) & 0x80)) {
        return std::nullopt;
    }
    return SimpleRequestView{*hash, name_hash->value, key_hash->value, s, cert_id->whole, nonce};
}

OcspRequest to_request(const SimpleRequestView& view) {
    OcspRequest out;
    out.certs.push_back({view.hash, copy(view.name_hash), copy(view.key_hash),
                         Serial::from_magnitude(view.serial), copy(view.cert_id_der)});
    if (view.nonce) out.nonce = copy(*view.nonce);
    return out;
}

}  // namespace tanda::pki
