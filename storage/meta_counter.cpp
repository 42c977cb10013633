// RevocationIndex::next_meta_counter and raise_meta_counter: read-modify-write inside one LMDB
// write transaction, which LMDB serialises across threads and processes.
#include <algorithm>
#include <charconv>
#include <limits>

#include "storage/index_impl.hpp"
#include "storage/input_validation.hpp"
#include "storage/replicated_write.hpp"

namespace tanda::storage {

namespace {

// A counter's stored text (nullopt: absent, 0).
Result<std::uint64_t> parse_counter(std::string_view key, std::optional<std::string_view> text) {
    std::uint64_t n = 0;
    if (!text) return n;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size()) {
        return fail(ErrorCode::incompatible,
                    "meta " + std::string(key) + " is not a decimal counter");
    }
    return n;
}

// The counter at `key` (0 when absent) replaced by `update(stored)`, in one write transaction.
// (Impl is deduced: the type is RevocationIndex's private business.)
template <typename Impl, typename Update>
Result<std::uint64_t> update_counter(Impl& impl, std::string_view key, Update update) {
    if (auto r = validate_meta_key(key); !r) return tl::unexpected(r.error());
    auto txn = lmdb::Txn::begin_write(impl.env);
    if (!txn) return tl::unexpected(txn.error());
    MDB_val v;
    auto found = txn->get(impl.dbs.meta, as_bytes(key), v);
    if (!found) return tl::unexpected(found.error());
    auto stored =
        parse_counter(key, *found ? std::optional(as_chars(lmdb::view(v))) : std::nullopt);
    if (!stored) return stored;
    Result<std::uint64_t> next = update(*stored);
    if (!next) return next;
    std::string text = std::to_string(*next);
    if (auto r = txn->put(impl.dbs.meta, as_bytes(key), as_bytes(text)); !r) {
        return tl::unexpected(r.error());
    }
    if (auto r = impl.commit_write(*txn); !r) return tl::unexpected(r.error());
    return next;
}

}  // namespace

Result<std::uint64_t> RevocationIndex::next_meta_counter(std::string_view key,
                                                         std::uint64_t at_least) {
    if (impl_->must_replicate()) {
        return through_replicator<std::uint64_t>(*this, *impl_,
                                                 MetaCounterCommand{std::string(key), at_least});
    }
    return update_counter(*impl_, key, [&](std::uint64_t stored) -> Result<std::uint64_t> {
        if (stored == std::numeric_limits<std::uint64_t>::max()) {
            return fail(ErrorCode::invalid_argument,
                        "meta " + std::string(key) + " is at its largest value");
        }
        return std::max(stored + 1, at_least);
    });
}

Result<std::uint64_t> RevocationIndex::raise_meta_counter(std::string_view key,
                                                          std::uint64_t value) {
    if (impl_->must_replicate()) {
        return through_replicator<std::uint64_t>(
            *this, *impl_, MetaCounterCommand{std::string(key), value, true});
    }
    return update_counter(*impl_, key, [&](std::uint64_t stored) -> Result<std::uint64_t> {
        return std::max(stored, value);
    });
}

Result<std::uint64_t> RevocationIndex::meta_counter(std::string_view key) const {
    auto stored = get_meta(key);
    if (!stored) return tl::unexpected(stored.error());
    return parse_counter(key, *stored ? std::optional<std::string_view>(**stored) : std::nullopt);
}

}  // namespace tanda::storage
