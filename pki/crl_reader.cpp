// A strict little DER walk over CertificateList (RFC 5280 5.1): it skips revokedCertificates
// as one TLV, so reading back a CRL of a million entries costs one signature check.
#include "pki/crl_reader.hpp"

#include <algorithm>
#include <optional>

#include "core/time_format.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

struct Tlv {
    std::uint8_t tag = 0;
    ByteView content;
    ByteView whole;
};

// Reads one TLV from the front of `in` and advances it; nullopt on malformed input.
std::optional<Tlv> next(ByteView& in) {
    if (in.size() < 2) return std::nullopt;
    Tlv t;
    t.tag = std::to_integer<std::uint8_t>(in[0]);
    std::size_t len = std::to_integer<std::size_t>(in[1]);
    std::size_t pos = 2;
    if (len & 0x80) {
        std::size_t n = len & 0x7f;
        if (n == 0 || n > 4 || in.size() < 2 + n) return std::nullopt;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | std::to_integer<std::size_t>(in[2 + i]);
        pos += n;
    }
    if (in.size() - pos < len) return std::nullopt;
    t.content = in.subspan(pos, len);
    t.whole = in.first(pos + len);
    in = in.subspan(pos + len);
    return t;
}

std::optional<UnixSeconds> time_of(const Tlv& t) {
    if (t.tag != 0x17 && t.tag != 0x18) return std::nullopt;
    return parse_asn1_time(as_chars(t.content));
}

std::optional<std::uint64_t> uint_of(ByteView der) {
    auto t = next(der);
    if (!t || t->tag != 0x02 || t->content.empty() || t->content.size() > 9) return std::nullopt;
    std::uint64_t v = 0;
    for (auto byte : t->content) v = v << 8 | std::to_integer<std::uint64_t>(byte);
    return v;
}

bool equal(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// Fills number / delta_base from crlExtensions ([0] { SEQUENCE OF Extension }).
bool read_extensions(ByteView explicit_content, CrlInfo& info) {
    auto seq = next(explicit_content);
    if (!seq || seq->tag != 0x30) return false;
    static constexpr std::byte kNumber[] = {std::byte{0x55}, std::byte{0x1d}, std::byte{20}};
    static constexpr std::byte kDelta[] = {std::byte{0x55}, std::byte{0x1d}, std::byte{27}};
    bool has_number = false;
    for (ByteView exts = seq->content; !exts.empty();) {
        auto ext = next(exts);
        if (!ext || ext->tag != 0x30) return false;
        ByteView fields = ext->content;
        auto oid = next(fields);
        auto value = next(fields);
        if (value && value->tag == 0x01) value = next(fields);  // critical flag
        if (!oid || !value || value->tag != 0x04) return false;
        if (equal(oid->content, kNumber)) {
            auto n = uint_of(value->content);
            if (!n) return false;
            info.number = *n;
            has_number = true;
        } else if (equal(oid->content, kDelta)) {
            info.delta_base = uint_of(value->content);
            if (!info.delta_base) return false;
        }
    }
    return has_number;
}

// The CertificateList's parts, its fields read; names and signature not checked yet.
struct ParsedCrl {
    CrlInfo info;
    ByteView tbs, algorithm, signature, issuer;
};

tl::unexpected<Error> bad(const std::string& why) {
    return fail(ErrorCode::invalid_argument, "not a usable CRL: " + why);
}

Result<ParsedCrl> parse_crl(ByteView der) {
    ByteView in = der;
    auto outer = next(in);
    if (!outer || outer->tag != 0x30 || !in.empty()) return bad("not one DER SEQUENCE");
    ByteView parts = outer->content;
    auto tbs = next(parts), alg = next(parts), sig = next(parts);
    if (!tbs || !alg || !sig || sig->tag != 0x03 || sig->content.empty() || !parts.empty()) {
        return bad("malformed CertificateList");
    }
    ByteView f = tbs->content;
    auto version = next(f), inner_alg = next(f), issuer = next(f), this_update = next(f);
    if (!version || version->tag != 0x02 || !inner_alg || !equal(inner_alg->whole, alg->whole)) {
        return bad("not a v2 CRL");
    }
    if (!issuer) return bad("no issuer");
    ParsedCrl out{{}, tbs->whole, alg->whole, sig->content.subspan(1), issuer->whole};
    CrlInfo& info = out.info;
    auto tu = this_update ? time_of(*this_update) : std::nullopt;
    auto next_update = next(f);
    auto nu = next_update ? time_of(*next_update) : std::nullopt;
    if (!tu || !nu) return bad("thisUpdate or nextUpdate missing");
    info.this_update = *tu;
    info.next_update = *nu;
    std::optional<Tlv> rest = next(f);
    if (rest && rest->tag == 0x30) {  // revokedCertificates: only counted
        for (ByteView entries = rest->content; next(entries);) ++info.entries;
        rest = next(f);
    }
    if (!rest || rest->tag != 0xa0 || !f.empty() || !read_extensions(rest->content, info)) {
        return bad("no cRLNumber");
    }
    return out;
}

}  // namespace

Result<CrlInfo> read_crl(ByteView der, const CrlSigner& signer) {
    auto crl = parse_crl(der);
    if (!crl) return tl::unexpected(crl.error());
    if (!equal(crl->issuer, signer.issuer_name_der())) return bad("other issuer");
    if (!signer.verify(crl->tbs, crl->algorithm, crl->signature)) {
        return bad("signature does not verify with the CA key");
    }
    return crl->info;
}

Result<CrlInfo> read_crl(ByteView der, const Certificate& ca) {
    auto crl = parse_crl(der);
    if (!crl) return tl::unexpected(crl.error());
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509CrlPtr x(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    X509* cert = ca.handle().get();
    const bool ours =
        x && X509_NAME_cmp(X509_CRL_get_issuer(x.get()), X509_get_subject_name(cert)) == 0;
    const bool verifies = ours && X509_CRL_verify(x.get(), X509_get0_pubkey(cert)) == 1;
    discard_openssl_errors();
    if (!ours) return bad("other issuer");
    if (!verifies) return bad("signature does not verify with the CA certificate's key");
    return crl->info;
}

}  // namespace tanda::pki
