// The cluster path of RevocationIndex's write methods (storage/replicator.hpp): a write method
// that must go through the replicator turns its arguments into a WriteCommand and returns
// through_replicator(); the replicator then applies the command here by calling the same
// method again, which, inside Impl::applying(), writes locally. Private to storage/.
#pragma once

#include <optional>
#include <variant>

#include "storage/index_impl.hpp"
#include "storage/replicator.hpp"
#include "storage/write_command.hpp"

namespace tanda::storage {

// Runs `command` by calling the matching write method of `index`.
Result<WriteOutcome> run_command(RevocationIndex& index, const WriteCommand& command);

template <class T>
Result<T> outcome_as(Result<WriteOutcome> r) {
    if (!r) return tl::unexpected(std::move(r.error()));
    if constexpr (std::is_void_v<T>) {
        return {};
    } else {
        return std::get<T>(*r);
    }
}

template <class T>
Result<T> through_replicator(RevocationIndex& index, RevocationIndex::Impl& impl,
                             const WriteCommand& command) {
    Bytes bytes;
    encode_command(command, bytes);
    std::optional<AppliedCommand> out;
    auto ordered = impl.replicator->replicate(bytes, [&](StreamPosition at) {
        out = impl.applying(at, [&] { return run_command(index, command); });
    });
    if (!ordered) return tl::unexpected(ordered.error());
    if (!out) return fail(ErrorCode::internal, "the replicator did not apply the write");
    if (!out->recorded) return tl::unexpected(out->recorded.error());
    return outcome_as<T>(std::move(out->outcome));
}

}  // namespace tanda::storage
