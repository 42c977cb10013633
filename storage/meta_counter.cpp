// RevocationIndex::next_meta_counter: read-increment-write inside one LMDB write transaction,
// which LMDB serialises across threads and processes.
#include <algorithm>
#include <charconv>

#include "storage/index_impl.hpp"
#include "storage/input_validation.hpp"

namespace tanda::storage {

Result<std::uint64_t> RevocationIndex::next_meta_counter(std::string_view key,
                                                         std::uint64_t at_least) {
    if (auto r = validate_meta_key(key); !r) return tl::unexpected(r.error());
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    MDB_val v;
    auto found = txn->get(impl_->dbs.meta, as_bytes(key), v);
    if (!found) return tl::unexpected(found.error());
    std::uint64_t stored = 0;
    if (*found) {
        auto text = as_chars(lmdb::view(v));
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), stored);
        if (ec != std::errc() || end != text.data() + text.size()) {
            return fail(ErrorCode::incompatible,
                        "meta " + std::string(key) + " is not a decimal counter");
        }
    }
    std::uint64_t next = std::max(stored + 1, at_least);
    std::string text = std::to_string(next);
    if (auto r = txn->put(impl_->dbs.meta, as_bytes(key), as_bytes(text)); !r) {
        return tl::unexpected(r.error());
    }
    if (auto r = txn->commit(); !r) return tl::unexpected(r.error());
    return next;
}

}  // namespace tanda::storage
