#include "admin/entry_sorter.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>
#include <random>
#include <string_view>

namespace tanda::admin {
namespace {

// A record, in memory and in a run file: u32 length of the rest, then u8 serial length, the
// serial, u64 sequence, i32 line, u8 state, i64 revoked_at, u8 reason, u8 has invalidity date,
// i64 invalidity date, i64 not_after, the subject (the remaining bytes). Native byte order:
// the files live only as long as the process.
constexpr std::size_t kLengthBytes = 4;
constexpr std::size_t kReadBuffer = std::size_t{256} << 10;  // per run during a merge

template <typename T>
void put(std::string& out, T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
T get(const char*& p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
}

void encode(const IndexEntry& e, std::uint64_t seq, std::string& out) {
    const auto start = out.size();
    put<std::uint32_t>(out, 0);
    const auto serial = e.serial.bytes();
    put<std::uint8_t>(out, static_cast<std::uint8_t>(serial.size()));
    out.append(reinterpret_cast<const char*>(serial.data()), serial.size());
    put<std::uint64_t>(out, seq);
    put<std::int32_t>(out, e.line);
    const auto& r = e.record;
    put<std::uint8_t>(out, static_cast<std::uint8_t>(r.state));
    put<std::int64_t>(out, r.revoked_at);
    put<std::uint8_t>(out, static_cast<std::uint8_t>(r.reason));
    put<std::uint8_t>(out, r.invalidity_date ? 1 : 0);
    put<std::int64_t>(out, r.invalidity_date.value_or(0));
    put<std::int64_t>(out, r.not_after);
    out += r.subject;
    const auto length = static_cast<std::uint32_t>(out.size() - start - kLengthBytes);
    std::memcpy(out.data() + start, &length, sizeof length);
}

// `p` points after the length; `end` is the record's end.
IndexEntry decode(const char* p, const char* end, std::uint64_t& seq) {
    IndexEntry e;
    const auto serial_size = get<std::uint8_t>(p);
    e.serial = Serial::from_magnitude({reinterpret_cast<const std::byte*>(p), serial_size});
    p += serial_size;
    seq = get<std::uint64_t>(p);
    e.line = get<std::int32_t>(p);
    auto& r = e.record;
    r.state = static_cast<CertState>(get<std::uint8_t>(p));
    r.revoked_at = get<std::int64_t>(p);
    r.reason = static_cast<Reason>(get<std::uint8_t>(p));
    const bool has_invalidity = get<std::uint8_t>(p) != 0;
    const auto invalidity = get<std::int64_t>(p);
    if (has_invalidity) r.invalidity_date = invalidity;
    r.not_after = get<std::int64_t>(p);
    r.subject.assign(p, end);
    return e;
}

std::string_view serial_at(const std::string& arena, std::uint64_t offset) {
    const char* p = arena.data() + offset + kLengthBytes;
    return {p + 1, static_cast<std::uint8_t>(*p)};
}

std::uint32_t length_at(const std::string& arena, std::uint64_t offset) {
    std::uint32_t length;
    std::memcpy(&length, arena.data() + offset, sizeof length);
    return length;
}

Error io_error(const std::filesystem::path& path, const char* what) {
    return Error{ErrorCode::io, path.string() + ": " + what + ": " + std::strerror(errno)};
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// One run file being merged: its buffer, and its next entry once read.
struct RunReader {
    std::vector<char> buffer = std::vector<char>(kReadBuffer);  // outlives `file`, which uses it
    File file;
    std::string record;
    IndexEntry entry;
    std::uint64_t seq = 0;
    std::filesystem::path path;

    // False at the end of the run.
    Result<bool> next() {
        std::uint32_t length;
        if (std::fread(&length, sizeof length, 1, file.get()) != 1) {
            if (std::ferror(file.get())) return tl::unexpected(io_error(path, "read"));
            return false;
        }
        record.resize(length);
        if (std::fread(record.data(), 1, length, file.get()) != length) {
            return tl::unexpected(io_error(path, "short read"));
        }
        entry = decode(record.data(), record.data() + record.size(), seq);
        return true;
    }
};

}  // namespace

EntrySorter::EntrySorter(std::filesystem::path spill_dir, std::size_t run_bytes)
    : spill_dir_(std::move(spill_dir)), run_bytes_(run_bytes) {}

EntrySorter::~EntrySorter() {
    if (run_dir_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(run_dir_, ignored);
}

Result<void> EntrySorter::add(const IndexEntry& entry) {
    if (!spill_dir_.empty() && arena_.size() >= run_bytes_) {
        if (auto ok = spill(); !ok) return ok;
    }
    // Reserved once, so growing the run never doubles it (pages are only used when written).
    if (!spill_dir_.empty() && arena_.capacity() < run_bytes_) arena_.reserve(run_bytes_ + (1 << 20));
    offsets_.push_back(arena_.size());
    encode(entry, count_++, arena_);
    sorted_ = false;
    return {};
}

void EntrySorter::sort_run() {
    if (sorted_) return;
    // Stable: equal serials stay in the order added (offsets grow with it).
    std::stable_sort(offsets_.begin(), offsets_.end(), [&](std::uint64_t a, std::uint64_t b) {
        return serial_at(arena_, a) < serial_at(arena_, b);
    });
    sorted_ = true;
}

Result<void> EntrySorter::spill() {
    if (offsets_.empty()) return {};
    if (run_dir_.empty()) {
        std::random_device rd;
        auto dir = spill_dir_ / ("tanda-import-" + std::to_string(rd()) + std::to_string(rd()));
        std::error_code ec;
        if (!std::filesystem::create_directories(dir, ec) || ec) {
            return fail(ErrorCode::io, dir.string() + ": cannot create: " +
                                           (ec ? ec.message() : "already exists"));
        }
        run_dir_ = dir;
    }
    sort_run();
    auto path = run_dir_ / ("run-" + std::to_string(runs_.size()));
    std::vector<char> buffer(kReadBuffer);  // outlives `file`, which uses it
    File file(std::fopen(path.c_str(), "wb"));
    if (!file) return tl::unexpected(io_error(path, "cannot create"));
    runs_.push_back(path);
    std::setvbuf(file.get(), buffer.data(), _IOFBF, buffer.size());
    for (auto offset : offsets_) {
        const auto size = kLengthBytes + length_at(arena_, offset);
        if (std::fwrite(arena_.data() + offset, 1, size, file.get()) != size) {
            return tl::unexpected(io_error(path, "write"));
        }
    }
    if (std::fclose(file.release()) != 0) return tl::unexpected(io_error(path, "write"));
    arena_.clear();
    offsets_.clear();
    return {};
}

Result<void> EntrySorter::visit(const Visitor& visit) {
    if (runs_.empty()) {  // one run, still in memory
        sort_run();
        std::uint64_t seq = 0;
        for (auto offset : offsets_) {
            const char* p = arena_.data() + offset + kLengthBytes;
            if (auto ok = visit(decode(p, p + length_at(arena_, offset), seq)); !ok) return ok;
        }
        return {};
    }
    if (auto ok = spill(); !ok) return ok;  // the last, partial run
    std::vector<RunReader> readers(runs_.size());
    auto later = [&](std::size_t a, std::size_t b) {  // a min-heap on (serial, sequence)
        if (readers[a].entry.serial != readers[b].entry.serial) {
            return readers[b].entry.serial < readers[a].entry.serial;
        }
        return readers[b].seq < readers[a].seq;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heads(later);
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        auto& r = readers[i];
        r.path = runs_[i];
        r.file.reset(std::fopen(r.path.c_str(), "rb"));
        if (!r.file) return tl::unexpected(io_error(r.path, "cannot open"));
        std::setvbuf(r.file.get(), r.buffer.data(), _IOFBF, r.buffer.size());
        auto more = r.next();
        if (!more) return tl::unexpected(more.error());
        if (*more) heads.push(i);
    }
    while (!heads.empty()) {
        const auto i = heads.top();
        heads.pop();
        if (auto ok = visit(readers[i].entry); !ok) return ok;
        auto more = readers[i].next();
        if (!more) return tl::unexpected(more.error());
        if (*more) heads.push(i);
    }
    return {};
}

}  // namespace tanda::admin
