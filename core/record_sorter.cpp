#include "core/record_sorter.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <queue>
#include <random>
#include <string_view>

namespace tanda {
namespace {

// A record, in memory and in a run file: u32 length of the rest, then u8 serial length, the
// serial, u64 sequence, i64 tag, u8 state, i64 revoked_at, u8 reason, u8 has invalidity date,
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

void encode(const Serial& s, const CertRecord& r, std::int64_t tag, std::uint64_t seq,
            std::string& out) {
    const auto start = out.size();
    put<std::uint32_t>(out, 0);
    const auto serial = s.bytes();
    put<std::uint8_t>(out, static_cast<std::uint8_t>(serial.size()));
    out.append(reinterpret_cast<const char*>(serial.data()), serial.size());
    put<std::uint64_t>(out, seq);
    put<std::int64_t>(out, tag);
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
SortedRecord decode(const char* p, const char* end, std::uint64_t& seq) {
    SortedRecord e;
    const auto serial_size = get<std::uint8_t>(p);
    e.serial = Serial::from_magnitude({reinterpret_cast<const std::byte*>(p), serial_size});
    p += serial_size;
    seq = get<std::uint64_t>(p);
    e.tag = get<std::int64_t>(p);
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
    SortedRecord entry;
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

// Merges `runs` by (serial, sequence), calling `out` with each run's reader at its next entry.
Result<void> merge(const std::vector<std::filesystem::path>& runs,
                   const std::function<Result<void>(RunReader&)>& out) {
    std::vector<RunReader> readers(runs.size());
    auto later = [&](std::size_t a, std::size_t b) {  // a min-heap on (serial, sequence)
        if (readers[a].entry.serial != readers[b].entry.serial) {
            return readers[b].entry.serial < readers[a].entry.serial;
        }
        return readers[b].seq < readers[a].seq;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heads(later);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        auto& r = readers[i];
        r.path = runs[i];
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
        if (auto ok = out(readers[i]); !ok) return ok;
        auto more = readers[i].next();
        if (!more) return tl::unexpected(more.error());
        if (*more) heads.push(i);
    }
    return {};
}

// A run file being written.
class RunWriter {
public:
    Result<void> open(const std::filesystem::path& path) {
        path_ = path;
        file_.reset(std::fopen(path.c_str(), "wb"));
        if (!file_) return tl::unexpected(io_error(path, "cannot create"));
        std::setvbuf(file_.get(), buffer_.data(), _IOFBF, buffer_.size());
        return {};
    }
    Result<void> write(const char* data, std::size_t size) {
        if (std::fwrite(data, 1, size, file_.get()) != size) {
            return tl::unexpected(io_error(path_, "write"));
        }
        return {};
    }
    Result<void> close() {
        if (std::fclose(file_.release()) != 0) return tl::unexpected(io_error(path_, "write"));
        return {};
    }

private:
    std::vector<char> buffer_ = std::vector<char>(kReadBuffer);  // outlives `file_`
    File file_;
    std::filesystem::path path_;
};

}  // namespace

RecordSorter::RecordSorter(std::filesystem::path spill_dir, std::size_t run_bytes,
                           std::size_t fan_in)
    : spill_dir_(std::move(spill_dir)),
      run_bytes_(run_bytes),
      fan_in_(std::max<std::size_t>(2, fan_in)) {}

std::filesystem::path RecordSorter::next_run_path() {
    return run_dir_ / ("run-" + std::to_string(runs_made_++));
}

RecordSorter::~RecordSorter() {
    if (run_dir_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(run_dir_, ignored);
}

Result<void> RecordSorter::add(const Serial& serial, const CertRecord& record, std::int64_t tag) {
    if (!spill_dir_.empty() && arena_.size() >= run_bytes_) {
        if (auto ok = spill(); !ok) return ok;
    }
    // Reserved once, so growing the run never doubles it (pages are only used when written).
    if (!spill_dir_.empty() && arena_.capacity() < run_bytes_) {
        arena_.reserve(run_bytes_ + (std::size_t{1} << 20));
    }
    offsets_.push_back(arena_.size());
    encode(serial, record, tag, count_++, arena_);
    sorted_ = false;
    return {};
}

void RecordSorter::sort_run() {
    if (sorted_) return;
    // Stable: equal serials stay in the order added (offsets grow with it).
    std::stable_sort(offsets_.begin(), offsets_.end(), [&](std::uint64_t a, std::uint64_t b) {
        return serial_at(arena_, a) < serial_at(arena_, b);
    });
    sorted_ = true;
}

Result<void> RecordSorter::spill() {
    if (offsets_.empty()) return {};
    if (run_dir_.empty()) {
        std::random_device rd;
        auto dir = spill_dir_ / ("tanda-sort-" + std::to_string(rd()) + std::to_string(rd()));
        std::error_code ec;
        if (!std::filesystem::create_directories(dir, ec) || ec) {
            return fail(ErrorCode::io, dir.string() + ": cannot create: " +
                                           (ec ? ec.message() : "already exists"));
        }
        run_dir_ = dir;
    }
    sort_run();
    auto path = next_run_path();
    RunWriter writer;
    if (auto ok = writer.open(path); !ok) return ok;
    runs_.push_back(path);
    for (auto offset : offsets_) {
        const auto size = kLengthBytes + length_at(arena_, offset);
        if (auto ok = writer.write(arena_.data() + offset, size); !ok) return ok;
    }
    if (auto ok = writer.close(); !ok) return ok;
    arena_.clear();
    offsets_.clear();
    return {};
}

Result<void> RecordSorter::visit(const Visitor& visit) {
    if (runs_.empty()) {  // one run, still in memory
        sort_run();
        std::uint64_t seq = 0;
        for (auto offset : offsets_) {
            const char* p = arena_.data() + offset + kLengthBytes;
            auto record = decode(p, p + length_at(arena_, offset), seq);
            if (auto ok = visit(record); !ok) return ok;
        }
        return {};
    }
    if (auto ok = spill(); !ok) return ok;  // the last, partial run
    if (auto ok = compact(); !ok) return ok;
    return merge(runs_, [&](RunReader& r) { return visit(r.entry); });
}

Result<void> RecordSorter::compact() {
    while (runs_.size() > fan_in_) {
        std::vector<std::filesystem::path> group(runs_.begin(), runs_.begin() + fan_in_);
        auto path = next_run_path();
        RunWriter writer;
        if (auto ok = writer.open(path); !ok) return ok;
        auto merged = merge(group, [&](RunReader& r) -> Result<void> {
            const auto length = static_cast<std::uint32_t>(r.record.size());
            if (auto ok = writer.write(reinterpret_cast<const char*>(&length), sizeof length);
                !ok) {
                return ok;
            }
            return writer.write(r.record.data(), r.record.size());
        });
        if (!merged) return merged;
        if (auto ok = writer.close(); !ok) return ok;
        std::error_code ignored;
        for (const auto& run : group) std::filesystem::remove(run, ignored);
        runs_.erase(runs_.begin(), runs_.begin() + fan_in_);
        runs_.push_back(path);
    }
    return {};
}

}  // namespace tanda
