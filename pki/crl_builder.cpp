// Streamed CRL encoding (RFC 5280 5.1): entries go straight into one buffer as DER; the
// headers, whose lengths are known only at the end, are written right-aligned into headroom
// reserved before the first entry, so the finished CRL needs a single move, not a re-encode.
#include "pki/crl_builder.hpp"

#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include "core/fd_io.hpp"
#include "pki/der_writer.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"
#include "pki/signing_digest.hpp"

namespace tanda::pki {
namespace {

using Oid = std::array<std::byte, 5>;
constexpr std::byte b(unsigned v) { return std::byte(static_cast<unsigned char>(v)); }
// id-ce arcs (2.5.29.x) as complete OID TLVs.
constexpr Oid id_ce(unsigned arc) { return {b(0x06), b(0x03), b(0x55), b(0x1d), b(arc)}; }
constexpr Oid kReasonCode = id_ce(21), kInvalidityDate = id_ce(24), kCrlNumber = id_ce(20),
              kDeltaIndicator = id_ce(27), kIdp = id_ce(28), kAki = id_ce(35),
              kFreshest = id_ce(46);
constexpr std::byte kTrue[] = {b(0x01), b(0x01), b(0xff)};

// RFC 5280 5.3.1 / 5.3.2 entry extensions, sized for the fast path in add().
constexpr std::size_t kReasonExtSize = 12;       // 30 0a OID(5) 04 03 0a 01 rr
constexpr std::size_t kInvalidityExtSize = 26;   // 30 18 OID(5) 04 11 GeneralizedTime(17)
// Longest outer header: tag, 0x84, four length octets (CRLs up to 4 GiB).
constexpr std::size_t kMaxHeader = 6;

Bytes name_der(const Certificate& ca) {
    unsigned char* der = nullptr;
    int len = i2d_X509_NAME(X509_get_subject_name(ca.handle().get()), &der);
    if (len <= 0) return {};
    Bytes out(reinterpret_cast<std::byte*>(der), reinterpret_cast<std::byte*>(der) + len);
    OPENSSL_free(der);
    return out;
}

// RFC 5280 4.2.1.2: the CA's subjectKeyIdentifier, or method (1) when it has none.
Bytes key_id(const Certificate& ca) {
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca.handle().get());
    if (ski == nullptr) return ca.key_hash(HashAlgorithm::sha1);
    auto* p = reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(ski));
    return Bytes(p, p + ASN1_STRING_length(ski));
}

Bytes extension(ByteView oid, bool critical, ByteView value) {
    Bytes octets = der::tlv(der::kOctetString, {value});
    return der::tlv(der::kSequence, {oid, critical ? ByteView(kTrue) : ByteView(), octets});
}

Bytes integer(std::uint64_t v) {
    Bytes out;
    der::put_unsigned(out, v);
    return out;
}

// DistributionPointName fullName with one URI: [0] { [0] { [6] uri } } (RFC 5280 4.2.1.13).
Bytes uri_point(const std::string& uri) {
    Bytes name = der::tlv(0x86, {as_bytes(uri)});
    return der::tlv(0xa0, {der::tlv(0xa0, {name})});
}

void put_ext_header(Bytes& out, const Oid& oid, std::size_t value_size) {
    der::put_header(out, der::kSequence, oid.size() + 2 + value_size);
    out.insert(out.end(), oid.begin(), oid.end());
    der::put_header(out, der::kOctetString, value_size);
}

}  // namespace

Result<CrlSigner> CrlSigner::create(const Certificate& ca, const PrivateKey& key) {
    if (!key.matches(ca)) {
        return fail(ErrorCode::config, "the CRL signing key is not the key of CA certificate \"" +
                                           ca.subject() + "\"");
    }
    if (!ca.is_ca()) {
        return fail(ErrorCode::config, "\"" + ca.subject() + "\" is not a CA certificate");
    }
    X509* x = ca.handle().get();
    if ((X509_get_extension_flags(x) & EXFLAG_KUSAGE) != 0 &&
        (X509_get_key_usage(x) & KU_CRL_SIGN) == 0) {
        return fail(ErrorCode::config, "the keyUsage of \"" + ca.subject() + "\" lacks cRLSign");
    }
    auto algorithm = signature_algorithm_der(key);
    if (!algorithm) return tl::unexpected(algorithm.error());
    CrlSigner signer(ca, key);
    signer.algorithm_ = std::move(*algorithm);
    signer.issuer_name_ = name_der(ca);
    signer.key_id_ = key_id(ca);
    if (signer.issuer_name_.empty()) return crypto_fail("encode the CA's subject name");
    return signer;
}

Result<void> CrlSigner::start_signing(evp_md_ctx_st* ctx) const {
    auto md = signing_digest(key_);
    if (!md) return tl::unexpected(md.error());
    EVP_PKEY_CTX* pctx = nullptr;
    if (ctx == nullptr || EVP_DigestSignInit(ctx, &pctx, *md, nullptr, key_.handle().get()) != 1 ||
        !set_signature_padding(pctx, key_.signs_with_pss())) {
        return crypto_fail("CRL signature");
    }
    return {};
}

Result<Bytes> CrlSigner::sign(ByteView tbs) const {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(tbs.data());
    TokenUsage::Call call(key_.handle().usage.get());
    if (auto r = start_signing(ctx.get()); !r) return tl::unexpected(r.error());
    if (EVP_DigestSign(ctx.get(), nullptr, &len, data, tbs.size()) != 1) {
        return crypto_fail("CRL signature");
    }
    Bytes sig(len);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                       tbs.size()) != 1) {
        return crypto_fail("CRL signature");
    }
    call.done(true);
    sig.resize(len);
    return sig;
}

Result<void> CrlSigner::probe() const {
    static constexpr char kProbe[] = "tanda: does the CRL key sign?";
    auto signature = sign(as_bytes(kProbe));
    if (!signature) return tl::unexpected(signature.error());
    return {};
}

bool CrlSigner::can_stream() const {
    const int type = EVP_PKEY_get_base_id(key_.handle().get());
    return type != EVP_PKEY_ED25519 && type != EVP_PKEY_ED448;
}

Result<CrlSigner::Stream> CrlSigner::stream() const {
    if (!can_stream()) return fail(ErrorCode::internal, "this key signs whole messages only");
    Stream s(*this);
    s.ctx_.reset(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (auto r = start_signing(s.ctx_.get()); !r) return tl::unexpected(r.error());
    return s;
}

Result<void> CrlSigner::Stream::update(ByteView part) {
    if (EVP_DigestSignUpdate(ctx_.get(), part.data(), part.size()) != 1) {
        return crypto_fail("CRL signature");
    }
    return {};
}

Result<Bytes> CrlSigner::Stream::finish() {
    // The token's part (a PKCS#11 key) is this last step: the digest is computed here.
    TokenUsage::Call call(signer_->key_.handle().usage.get());
    std::size_t len = 0;
    if (EVP_DigestSignFinal(ctx_.get(), nullptr, &len) != 1) return crypto_fail("CRL signature");
    Bytes sig(len);
    if (EVP_DigestSignFinal(ctx_.get(), reinterpret_cast<unsigned char*>(sig.data()), &len) != 1) {
        return crypto_fail("CRL signature");
    }
    call.done(true);
    sig.resize(len);
    return sig;
}

bool CrlSigner::verify(ByteView tbs, ByteView algorithm_der, ByteView signature) const {
    if (!std::equal(algorithm_der.begin(), algorithm_der.end(), algorithm_.begin(),
                    algorithm_.end())) {
        return false;
    }
    auto md = signing_digest(key_);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    bool ok = md && ctx &&
              EVP_DigestVerifyInit(ctx.get(), &pctx, *md, nullptr,
                                   X509_get0_pubkey(ca_.handle().get())) == 1 &&
              set_signature_padding(pctx, key_.signs_with_pss()) &&
              EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                               signature.size(),
                               reinterpret_cast<const unsigned char*>(tbs.data()),
                               tbs.size()) == 1;
    discard_openssl_errors();
    return ok;
}

CrlBuilder::CrlBuilder(const CrlSigner& signer, CrlParams params, std::size_t expected_entries)
    : signer_(signer), params_(std::move(params)) {
    static constexpr std::byte kVersion2[] = {b(0x02), b(0x01), b(0x01)};  // v2 (5.1.2.1)
    head_.assign(std::begin(kVersion2), std::end(kVersion2));
    auto alg = signer_.algorithm_der(), name = signer_.issuer_name_der();
    head_.insert(head_.end(), alg.begin(), alg.end());
    head_.insert(head_.end(), name.begin(), name.end());
    der::put_time(head_, params_.this_update);
    der::put_time(head_, params_.next_update);
    headroom_ = 3 * kMaxHeader + head_.size();
    buf_.reserve(headroom_ + expected_entries * 40 + 1024);
    buf_.resize(headroom_);
}

CrlBuilder::~CrlBuilder() {
    if (spill_fd_ >= 0) ::close(spill_fd_);
}

void CrlBuilder::spill_to(const std::string& dir, std::size_t threshold) {
    if (!signer_.can_stream()) return;
    spill_dir_ = dir;
    spill_at_ = std::max<std::size_t>(threshold, 1);
}

void CrlBuilder::spill_entries() {
    ByteView entries = ByteView(buf_).subspan(headroom_);
    if (spill_fd_ < 0 && spill_error_.empty()) {  // the first spill: most CRLs never get here
        auto fd = fd_io::unnamed_file(spill_dir_);
        if (fd) spill_fd_ = *fd;
        if (!fd) spill_error_ = fd.error().message;
    }
    if (spill_error_.empty()) {
        if (auto r = fd_io::write_all(spill_fd_, entries, "the CRL's spill file"); !r) {
            spill_error_ = r.error().message;
        }
    }
    spilled_ += entries.size();
    buf_.resize(headroom_);
}

void CrlBuilder::add(const CrlEntry& e) {
    ByteView serial = e.serial;
    while (!serial.empty() && serial.front() == std::byte{0}) serial = serial.subspan(1);
    const std::size_t int_size =
        serial.empty() ? 3 : 2 + serial.size() + ((serial.front() & b(0x80)) != b(0) ? 1 : 0);
    std::size_t exts = (e.reason != Reason::unspecified ? kReasonExtSize : 0) +
                       (e.invalidity_date ? kInvalidityExtSize : 0);
    std::size_t content = int_size + der::time_size(e.revoked_at) + (exts ? 2 + exts : 0);
    der::put_header(buf_, der::kSequence, content);
    der::put_unsigned(buf_, serial);
    der::put_time(buf_, e.revoked_at);
    if (exts != 0) {
        der::put_header(buf_, der::kSequence, exts);
        if (e.reason != Reason::unspecified) {
            put_ext_header(buf_, kReasonCode, 3);
            const std::byte value[] = {b(der::kEnumerated), b(1), b(unsigned(e.reason))};
            buf_.insert(buf_.end(), value, value + 3);
        }
        if (e.invalidity_date) {
            put_ext_header(buf_, kInvalidityDate, 17);  // always GeneralizedTime (5.3.2)
            der::put_generalized_time(buf_, *e.invalidity_date);
        }
    }
    ++count_;
    if (spill_at_ != 0 && buf_.size() - headroom_ >= spill_at_) spill_entries();
}

Bytes CrlBuilder::extensions() const {
    Bytes aki_value = der::tlv(der::kSequence, {der::tlv(0x80, {signer_.key_identifier()})});
    Bytes all = extension(kAki, false, aki_value);
    auto append = [&all](const Bytes& ext) { all.insert(all.end(), ext.begin(), ext.end()); };
    append(extension(kCrlNumber, false, integer(params_.number)));
    if (params_.delta_base) {
        append(extension(kDeltaIndicator, true, integer(*params_.delta_base)));  // 5.2.4
    }
    if (!params_.issuing_distribution_point.empty()) {
        Bytes idp = der::tlv(der::kSequence, {uri_point(params_.issuing_distribution_point)});
        append(extension(kIdp, true, idp));  // 5.2.5: critical
    }
    if (!params_.freshest_crl.empty()) {
        Bytes dp = der::tlv(der::kSequence, {uri_point(params_.freshest_crl)});
        append(extension(kFreshest, false, der::tlv(der::kSequence, {dp})));  // 5.2.6
    }
    return der::tlv(0xa0, {der::tlv(der::kSequence, {all})});  // [0] EXPLICIT Extensions
}

Result<Bytes> CrlBuilder::finish() {
    if (spilled_ > 0) return fail(ErrorCode::internal, "a spilled CRL is written by finish_to");
    const std::size_t entries_size = buf_.size() - headroom_;
    Bytes ext = extensions();
    buf_.insert(buf_.end(), ext.begin(), ext.end());
    // Right to left: the revokedCertificates header (absent when empty, 5.1.2.6), the fields
    // before it, the TBSCertList header.
    std::byte* pos = buf_.data() + headroom_;
    std::size_t tbs_content = head_.size() + entries_size + ext.size();
    if (count_ > 0) {
        std::size_t h = der::put_header_before(pos, der::kSequence, entries_size);
        pos -= h;
        tbs_content += h;
    }
    pos -= head_.size();
    std::copy(head_.begin(), head_.end(), pos);
    pos -= der::put_header_before(pos, der::kSequence, tbs_content);
    const auto tbs_start = static_cast<std::size_t>(pos - buf_.data());
    auto signature = signer_.sign(ByteView(buf_).subspan(tbs_start));
    if (!signature) return tl::unexpected(signature.error());
    auto alg = signer_.algorithm_der();
    buf_.insert(buf_.end(), alg.begin(), alg.end());
    der::put_header(buf_, der::kBitString, signature->size() + 1);
    buf_.push_back(b(0));  // no unused bits
    buf_.insert(buf_.end(), signature->begin(), signature->end());
    std::size_t outer = buf_.size() - tbs_start;
    pos = buf_.data() + tbs_start;
    pos -= der::put_header_before(pos, der::kSequence, outer);
    buf_.erase(buf_.begin(), buf_.begin() + (pos - buf_.data()));
    return std::move(buf_);
}

Result<std::size_t> CrlBuilder::finish_to(int fd) {
    if (spilled_ > 0) return finish_spilled(fd);
    auto der = finish();
    if (!der) return tl::unexpected(der.error());
    if (auto r = fd_io::write_all(fd, *der, "the CRL file"); !r) return tl::unexpected(r.error());
    return der->size();
}

// The same layout as finish(), written front to back: the TBSCertList is signed as the spill
// file is read back, then the file is copied in the kernel between the headers and the tail.
Result<std::size_t> CrlBuilder::finish_spilled(int fd) {
    spill_entries();
    if (!spill_error_.empty()) return fail(ErrorCode::io, spill_error_);
    const std::size_t entries_size = spilled_;
    const Bytes ext = extensions();
    const std::size_t tbs_content =
        head_.size() + 1 + der::length_size(entries_size) + entries_size + ext.size();
    Bytes prefix;  // TBSCertList header, the fields before the entries, their SEQUENCE header
    der::put_header(prefix, der::kSequence, tbs_content);
    prefix.insert(prefix.end(), head_.begin(), head_.end());
    der::put_header(prefix, der::kSequence, entries_size);

    auto stream = signer_.stream();
    if (!stream) return tl::unexpected(stream.error());
    if (auto r = stream->update(prefix); !r) return tl::unexpected(r.error());
    Bytes chunk(std::min<std::size_t>(entries_size, std::size_t{1} << 20));
    for (std::size_t at = 0; at < entries_size;) {
        std::span<std::byte> part(chunk.data(), std::min(chunk.size(), entries_size - at));
        if (auto r = fd_io::read_exactly(spill_fd_, part, at, "the CRL's spill file"); !r) {
            return tl::unexpected(r.error());
        }
        if (auto r = stream->update(part); !r) return tl::unexpected(r.error());
        at += part.size();
    }
    if (auto r = stream->update(ext); !r) return tl::unexpected(r.error());
    auto signature = stream->finish();
    if (!signature) return tl::unexpected(signature.error());

    Bytes tail;  // signatureAlgorithm and signatureValue
    auto alg = signer_.algorithm_der();
    tail.insert(tail.end(), alg.begin(), alg.end());
    der::put_header(tail, der::kBitString, signature->size() + 1);
    tail.push_back(b(0));  // no unused bits
    tail.insert(tail.end(), signature->begin(), signature->end());
    Bytes outer;
    der::put_header(outer, der::kSequence, prefix.size() + entries_size + ext.size() + tail.size());
    for (ByteView part : {ByteView(outer), ByteView(prefix)}) {
        if (auto r = fd_io::write_all(fd, part, "the CRL file"); !r)
            return tl::unexpected(r.error());
    }
    if (auto r = fd_io::copy_prefix(spill_fd_, fd, entries_size, "the CRL's entries"); !r) {
        return tl::unexpected(r.error());
    }
    for (ByteView part : {ByteView(ext), ByteView(tail)}) {
        if (auto r = fd_io::write_all(fd, part, "the CRL file"); !r)
            return tl::unexpected(r.error());
    }
    return outer.size() + prefix.size() + entries_size + ext.size() + tail.size();
}

}  // namespace tanda::pki
