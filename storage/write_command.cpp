// The byte layout of write commands (FORMAT.md, "Write commands"): a format byte, a kind byte
// (the variant's index + 1), then the arguments with the journal entry's own field layouts.
#include "storage/write_command.hpp"

#include <limits>

#include "storage/byte_io.hpp"
#include "storage/record_codec.hpp"

namespace tanda::storage {
namespace {

constexpr std::uint8_t kCommandFormat = 1;

struct Writer {
    ByteWriter& w;

    void operator()(const EnsureIssuerCommand& c) const {
        w.str16(as_chars(c.identity));
        w.str16(c.name);
    }
    void operator()(const CommitCommand& c) const {
        w.i64(c.now);
        write_provenance(w, c.provenance);
        w.u32(static_cast<std::uint32_t>(c.changes.size()));
        for (const Change& change : c.changes) write_change(w, change);
    }
    void operator()(const SubmitCommand& c) const {
        w.i64(c.now);
        Bytes pending;
        encode_pending(c.request, pending);
        w.u32(static_cast<std::uint32_t>(pending.size()));
        w.raw(pending);
    }
    void operator()(const ApproveCommand& c) const {
        w.i64(c.now);
        w.str16(c.id);
        write_change(w, c.change);
        write_provenance(w, c.provenance);
    }
    void operator()(const ClosePendingCommand& c) const {
        w.i64(c.now);
        w.str16(c.id);
        w.u8(static_cast<std::uint8_t>(c.outcome));
        write_provenance(w, c.provenance);
    }
    void operator()(const AppendAuditCommand& c) const {
        w.i64(c.now);
        write_change(w, c.change);
        write_provenance(w, c.provenance);
        w.str16(c.meta_key);
        w.u32(static_cast<std::uint32_t>(c.meta_value.size()));
        w.raw(as_bytes(c.meta_value));
    }
    void operator()(const PutMetaCommand& c) const {
        w.str16(c.key);
        w.u32(static_cast<std::uint32_t>(c.value.size()));
        w.raw(as_bytes(c.value));
    }
    void operator()(const MetaCounterCommand& c) const {
        w.str16(c.key);
        w.u64(c.value);
        w.u8(c.raise ? 1 : 0);
    }
};

std::string read_string32(ByteReader& r) {
    std::uint32_t n = r.u32();
    return std::string(as_chars(r.raw(n)));
}

bool read(ByteReader& r, std::uint8_t kind, WriteCommand& out) {
    switch (kind) {
        case 1: {
            EnsureIssuerCommand c;
            std::string identity;
            r.str16(identity);
            auto b = as_bytes(identity);
            c.identity.assign(b.begin(), b.end());
            r.str16(c.name);
            out = std::move(c);
            return true;
        }
        case 2: {
            CommitCommand c;
            c.now = r.i64();
            if (!read_provenance(r, c.provenance)) return false;
            std::uint32_t n = r.u32();
            // Each change is at least 36 bytes: a count beyond what is left is malformed.
            if (!r.ok() || n > r.remaining() / 36) return false;
            c.changes.resize(n);
            for (Change& change : c.changes) {
                if (!read_change(r, change)) return false;
            }
            out = std::move(c);
            return true;
        }
        case 3: {
            SubmitCommand c;
            c.now = r.i64();
            std::uint32_t n = r.u32();
            if (!decode_pending(r.raw(n), c.request)) return false;
            out = std::move(c);
            return true;
        }
        case 4: {
            ApproveCommand c;
            c.now = r.i64();
            r.str16(c.id);
            if (!read_change(r, c.change) || !read_provenance(r, c.provenance)) return false;
            out = std::move(c);
            return true;
        }
        case 5: {
            ClosePendingCommand c;
            c.now = r.i64();
            r.str16(c.id);
            std::uint8_t outcome = r.u8();
            if (outcome < 1 || outcome > 3 || !read_provenance(r, c.provenance)) return false;
            c.outcome = static_cast<PendingState>(outcome);
            out = std::move(c);
            return true;
        }
        case 6: {
            AppendAuditCommand c;
            c.now = r.i64();
            if (!read_change(r, c.change) || !read_provenance(r, c.provenance)) return false;
            r.str16(c.meta_key);
            c.meta_value = read_string32(r);
            out = std::move(c);
            return true;
        }
        case 7: {
            PutMetaCommand c;
            r.str16(c.key);
            c.value = read_string32(r);
            out = std::move(c);
            return true;
        }
        case 8: {
            MetaCounterCommand c;
            r.str16(c.key);
            c.value = r.u64();
            std::uint8_t raise = r.u8();
            if (raise > 1) return false;
            c.raise = raise == 1;
            out = std::move(c);
            return true;
        }
        default:
            return false;
    }
}

}  // namespace

void encode_command(const WriteCommand& command, Bytes& out) {
    out.clear();
    ByteWriter w(out);
    w.u8(kCommandFormat);
    w.u8(static_cast<std::uint8_t>(command.index() + 1));
    std::visit(Writer{w}, command);
}

Result<WriteCommand> decode_command(ByteView bytes) {
    ByteReader r(bytes);
    const std::uint8_t format = r.u8();
    const std::uint8_t kind = r.u8();
    WriteCommand out;
    if (format != kCommandFormat || !read(r, kind, out) || !r.ok() || !r.at_end()) {
        return fail(ErrorCode::incompatible, "malformed or unknown write command (format " +
                                                 std::to_string(format) + ", kind " +
                                                 std::to_string(kind) + ")");
    }
    return out;
}

}  // namespace tanda::storage
