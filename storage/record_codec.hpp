// Byte layouts of keys, certificate records, journal entries and issuer entries (FORMAT.md).
// Encoders write into a caller-owned buffer so bulk commits reuse one allocation; decoders
// validate every field and return false on anything malformed, never read out of bounds.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "storage/byte_io.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {

inline constexpr std::uint8_t kRecordFormat = 1;
inline constexpr std::uint8_t kEntryFormat = 2;  // 1: schema 1, without mode and identities
inline constexpr std::uint8_t kPendingFormat = 1;
inline constexpr std::uint8_t kIssuerFormat = 1;
inline constexpr std::size_t kHashBytes = 32;

// 4-byte big-endian issuer id: the prefix of record keys and the issuer_ids key.
std::array<std::byte, 4> encode_issuer_key(IssuerId issuer);
std::optional<IssuerId> decode_issuer_key(ByteView key);
// Issuer id prefix then the serial's magnitude; replaces the content of `out`.
void encode_record_key(IssuerId issuer, const Serial& serial, Bytes& out);
// 8-byte big-endian journal seq, so byte order is numeric order (MDB_APPEND).
std::array<std::byte, 8> encode_seq_key(std::uint64_t seq);
std::optional<std::uint64_t> decode_seq_key(ByteView key);
// Little-endian u64 (request ids' seq values).
std::array<std::byte, 8> encode_u64(std::uint64_t v);
std::optional<std::uint64_t> decode_u64(ByteView value);

void encode_record(const CertRecord& record, std::uint64_t last_seq, Bytes& out);
bool decode_record(ByteView value, CertRecord& out);

// Writes prev_hash || body || hash into `out` and returns hash = SHA-256(prev_hash || body).
Sha256Digest encode_entry(std::uint64_t seq, UnixSeconds time, const Change& change,
                          const Provenance& provenance, const Sha256Digest& prev_hash, Bytes& out);
// Decodes all fields including both stored hashes; does not check the chain.
bool decode_entry(ByteView value, JournalEntry& out);
// SHA-256 over everything but the stored hash; `value` must be at least kHashBytes long.
Sha256Digest recompute_entry_hash(ByteView value);

// The change and provenance fields of a journal entry body, in that layout, for the other
// values that carry them (write commands, storage/write_command.hpp). The readers validate
// like decode_entry; `with_identities` is false for format 1 entries.
void write_change(ByteWriter& w, const Change& change);
bool read_change(ByteReader& r, Change& out);
void write_provenance(ByteWriter& w, const Provenance& provenance);
bool read_provenance(ByteReader& r, Provenance& out, bool with_identities = true);

// A `pending` value (FORMAT.md); the key is the request id, repeated in the value.
void encode_pending(const PendingRequest& request, Bytes& out);
bool decode_pending(ByteView value, PendingRequest& out);

void encode_issuer(ByteView identity, std::string_view name, Bytes& out);
bool decode_issuer(ByteView value, IssuerInfo& out);

}  // namespace tanda::storage
