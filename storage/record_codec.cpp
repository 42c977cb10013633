// Encoders and validating decoders for the layouts in storage/FORMAT.md.
#include "storage/record_codec.hpp"

#include <algorithm>

#include "storage/byte_io.hpp"

namespace tanda::storage {
namespace {

constexpr std::uint8_t kHasInvalidityDate = 0x01;

// The fields a journal entry sets (CertRecord::same_content), shared by records and entries.
void write_content(ByteWriter& w, const CertRecord& r) {
    w.u8(static_cast<std::uint8_t>(r.state));
    w.u8(static_cast<std::uint8_t>(r.reason));
    w.u8(r.invalidity_date ? kHasInvalidityDate : 0);
    w.i64(r.revoked_at);
    w.i64(r.invalidity_date.value_or(0));
    w.i64(r.not_after);
    w.str16(r.subject);
}

bool read_content(ByteReader& r, CertRecord& out) {
    std::uint8_t state = r.u8();
    std::uint8_t reason = r.u8();
    std::uint8_t flags = r.u8();
    out.revoked_at = r.i64();
    std::int64_t invalidity = r.i64();
    out.not_after = r.i64();
    r.str16(out.subject);
    auto parsed_reason = reason_from_code(reason);
    if (!r.ok() || (state != 1 && state != 2) || !parsed_reason ||
        (flags & ~kHasInvalidityDate) != 0) {
        return false;
    }
    out.state = static_cast<CertState>(state);
    out.reason = *parsed_reason;
    out.invalidity_date = (flags & kHasInvalidityDate) ? std::optional(invalidity) : std::nullopt;
    return true;
}

void write_be(std::byte* out, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out[i] = std::byte(v >> (8 * (n - 1 - i)));
}

std::uint64_t read_be(ByteView in) {
    std::uint64_t v = 0;
    for (std::byte b : in) v = v << 8 | std::to_integer<std::uint64_t>(b);
    return v;
}

}  // namespace

std::array<std::byte, 4> encode_issuer_key(IssuerId issuer) {
    std::array<std::byte, 4> out;
    write_be(out.data(), issuer, 4);
    return out;
}

std::optional<IssuerId> decode_issuer_key(ByteView key) {
    if (key.size() != 4) return std::nullopt;
    return static_cast<IssuerId>(read_be(key));
}

void encode_record_key(IssuerId issuer, const Serial& serial, Bytes& out) {
    auto prefix = encode_issuer_key(issuer);
    out.assign(prefix.begin(), prefix.end());
    out.insert(out.end(), serial.bytes().begin(), serial.bytes().end());
}

std::array<std::byte, 8> encode_seq_key(std::uint64_t seq) {
    std::array<std::byte, 8> out;
    write_be(out.data(), seq, 8);
    return out;
}

std::optional<std::uint64_t> decode_seq_key(ByteView key) {
    if (key.size() != 8) return std::nullopt;
    return read_be(key);
}

std::array<std::byte, 8> encode_u64(std::uint64_t v) {
    std::array<std::byte, 8> out;
    for (int i = 0; i < 8; ++i) out[i] = std::byte(v >> (8 * i));
    return out;
}

std::optional<std::uint64_t> decode_u64(ByteView value) {
    ByteReader r(value);
    std::uint64_t v = r.u64();
    if (!r.ok() || !r.at_end()) return std::nullopt;
    return v;
}

void encode_record(const CertRecord& record, std::uint64_t last_seq, Bytes& out) {
    out.clear();
    ByteWriter w(out);
    w.u8(kRecordFormat);
    w.u64(last_seq);
    write_content(w, record);
}

bool decode_record(ByteView value, CertRecord& out) {
    ByteReader r(value);
    if (r.u8() != kRecordFormat) return false;
    out.last_seq = r.u64();
    return read_content(r, out) && r.at_end();
}

Sha256Digest encode_entry(std::uint64_t seq, UnixSeconds time, const Change& change,
                          const Provenance& provenance, const Sha256Digest& prev_hash, Bytes& out) {
    out.clear();
    ByteWriter w(out);
    w.raw(prev_hash);
    w.u8(kEntryFormat);
    w.u64(seq);
    w.i64(time);
    write_change(w, change);
    write_provenance(w, provenance);
    Sha256Digest hash = Sha256::digest(out);
    w.raw(hash);
    return hash;
}

bool decode_entry(ByteView value, JournalEntry& out) {
    if (value.size() < 2 * kHashBytes) return false;
    ByteReader r(value.first(value.size() - kHashBytes));
    std::ranges::copy(r.raw(kHashBytes), out.prev_hash.begin());
    std::ranges::copy(value.last(kHashBytes), out.hash.begin());
    // Format 1 entries (schema 1) stay readable: their hashes cover their own bytes.
    const std::uint8_t format = r.u8();
    if (format != 1 && format != kEntryFormat) return false;
    out.seq = r.u64();
    out.time = r.i64();
    if (!read_change(r, out.change) || !read_provenance(r, out.provenance, format == kEntryFormat) ||
        !r.at_end()) {
        return false;
    }
    out.change.record.last_seq = out.seq;
    return true;
}

void write_change(ByteWriter& w, const Change& change) {
    w.u8(static_cast<std::uint8_t>(change.kind));
    w.u32(change.issuer);
    w.bytes8(change.serial.bytes());
    write_content(w, change.record);
}

bool read_change(ByteReader& r, Change& out) {
    std::uint8_t kind = r.u8();
    out.issuer = r.u32();
    ByteView serial = r.bytes8();
    if (!read_content(r, out.record)) return false;
    if (!r.ok() || kind < 1 || kind > static_cast<unsigned>(kLastChangeKind) || serial.empty() ||
        serial.size() > Serial::kMaxBytes ||
        (serial.size() > 1 && serial.front() == std::byte{0})) {
        return false;
    }
    out.kind = static_cast<ChangeKind>(kind);
    out.serial = Serial::from_magnitude(serial);
    return true;
}

void write_provenance(ByteWriter& w, const Provenance& provenance) {
    w.str16(provenance.request_id);
    w.str16(provenance.requested_by);
    w.str16(provenance.approved_by);
    w.str16(provenance.evidence_sha256);
    w.str16(provenance.source);
    w.u8(static_cast<std::uint8_t>(provenance.mode));
    w.str16(provenance.submitted_by_identity);
    w.str16(provenance.approved_by_identity);
    w.str16(provenance.note);
}

bool read_provenance(ByteReader& r, Provenance& out, bool with_identities) {
    r.str16(out.request_id);
    r.str16(out.requested_by);
    r.str16(out.approved_by);
    r.str16(out.evidence_sha256);
    r.str16(out.source);
    std::uint8_t mode = 0;
    out.submitted_by_identity.clear();
    out.approved_by_identity.clear();
    out.note.clear();
    if (with_identities) {
        mode = r.u8();
        r.str16(out.submitted_by_identity);
        r.str16(out.approved_by_identity);
        r.str16(out.note);
    }
    if (!r.ok() || mode > 2) return false;
    out.mode = static_cast<ApprovalMode>(mode);
    return true;
}

Sha256Digest recompute_entry_hash(ByteView value) {
    return Sha256::digest(value.first(value.size() - kHashBytes));
}

void encode_pending(const PendingRequest& p, Bytes& out) {
    out.clear();
    ByteWriter w(out);
    w.u8(kPendingFormat);
    w.u8(static_cast<std::uint8_t>(p.state));
    w.u8(static_cast<std::uint8_t>(p.change.kind));
    w.u32(p.change.issuer);
    w.bytes8(p.change.serial.bytes());
    write_content(w, p.change.record);
    for (const std::string* s :
         {&p.provenance.request_id, &p.provenance.requested_by, &p.provenance.approved_by,
          &p.provenance.evidence_sha256, &p.provenance.source, &p.provenance.submitted_by_identity,
          &p.provenance.note}) {
        w.str16(*s);
    }
    w.i64(p.submitted_at);
    w.i64(p.expires_at);
    w.u64(p.seq);
    w.u64(p.closed_seq);
    w.i64(p.closed_at);
}

bool decode_pending(ByteView value, PendingRequest& out) {
    ByteReader r(value);
    if (r.u8() != kPendingFormat) return false;
    const std::uint8_t state = r.u8();
    const std::uint8_t kind = r.u8();
    out.change.issuer = r.u32();
    ByteView serial = r.bytes8();
    if (!read_content(r, out.change.record)) return false;
    for (std::string* s :
         {&out.provenance.request_id, &out.provenance.requested_by, &out.provenance.approved_by,
          &out.provenance.evidence_sha256, &out.provenance.source,
          &out.provenance.submitted_by_identity, &out.provenance.note}) {
        r.str16(*s);
    }
    out.submitted_at = r.i64();
    out.expires_at = r.i64();
    out.seq = r.u64();
    out.closed_seq = r.u64();
    out.closed_at = r.i64();
    if (!r.ok() || !r.at_end() || state < 1 || state > 3 || !changes_record(ChangeKind{kind}) ||
        serial.empty() || serial.size() > Serial::kMaxBytes) {
        return false;
    }
    out.state = static_cast<PendingState>(state);
    out.change.kind = static_cast<ChangeKind>(kind);
    out.change.serial = Serial::from_magnitude(serial);
    out.request_id = out.provenance.request_id;
    return true;
}

void encode_issuer(ByteView identity, std::string_view name, Bytes& out) {
    out.clear();
    ByteWriter w(out);
    w.u8(kIssuerFormat);
    w.str16(as_chars(identity));
    w.str16(name);
}

bool decode_issuer(ByteView value, IssuerInfo& out) {
    ByteReader r(value);
    if (r.u8() != kIssuerFormat) return false;
    std::string identity;
    r.str16(identity);
    r.str16(out.name);
    if (!r.ok() || !r.at_end() || identity.empty()) return false;
    out.identity = to_bytes(identity);
    return true;
}

}  // namespace tanda::storage
