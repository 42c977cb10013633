// RevocationIndex: opening, issuers, record lookups, metadata and statistics. The journal
// (commit, history, verification) is in journal.cpp.
#include "storage/revocation_index.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <system_error>

#include "storage/huge_page_mapping.hpp"
#include "storage/index_impl.hpp"
#include "storage/input_validation.hpp"
#include "storage/record_codec.hpp"
#include "storage/replicated_write.hpp"

namespace tanda::storage {
namespace {

constexpr unsigned kMaxDatabases = 8;  // seven used (FORMAT.md), room for one more version
// LMDB wants the map size to be a multiple of the OS page size; 64 KiB covers all of them.
constexpr std::size_t kMapGranule = std::size_t{64} * 1024;

// Creates the directory 0700 if missing; returns its canonical path.
Result<std::string> prepare_directory(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        fs::create_directories(path, ec);
        if (!ec) fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace, ec);
        if (ec)
            return fail(ErrorCode::io, "create storage directory " + path + ": " + ec.message());
    } else if (!fs::is_directory(path, ec)) {
        return fail(ErrorCode::invalid_argument, "storage path " + path + " is not a directory");
    }
    auto canonical = fs::canonical(path, ec);
    if (ec) return fail(ErrorCode::io, "resolve storage path " + path + ": " + ec.message());
    return canonical.string();
}

// The canonical path of an existing directory; never creates one (read-only opens).
Result<std::string> existing_directory(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    auto canonical = fs::canonical(path, ec);
    if (ec) return fail(ErrorCode::io, "no index at " + path + ": " + ec.message());
    if (!fs::is_directory(canonical, ec)) {
        return fail(ErrorCode::invalid_argument, "storage path " + path + " is not a directory");
    }
    // LMDB would create lock.mdb before finding data.mdb missing.
    if (!fs::exists(canonical / "data.mdb", ec)) {
        return fail(ErrorCode::io, "no index at " + path + ": no data.mdb");
    }
    return canonical.string();
}

Result<IssuerId> next_issuer_id(const lmdb::Txn& txn, const Databases& dbs) {
    auto cursor = lmdb::Cursor::open(txn, dbs.issuer_ids);
    if (!cursor) return tl::unexpected(cursor.error());
    MDB_val k, v;
    auto found = cursor->move(k, v, MDB_LAST);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return IssuerId{1};
    auto last = decode_issuer_key(lmdb::view(k));
    if (!last) return fail(ErrorCode::incompatible, "corrupt issuer id key");
    if (*last == std::numeric_limits<IssuerId>::max()) {
        return fail(ErrorCode::storage, "no issuer ids left");
    }
    return *last + 1;
}

Error corrupt(std::string_view what) {
    return Error{ErrorCode::incompatible, "corrupt " + std::string(what) + " in the index"};
}

}  // namespace

RevocationIndex::RevocationIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RevocationIndex::~RevocationIndex() = default;

Result<std::unique_ptr<RevocationIndex>> RevocationIndex::open(const Options& options) {
    return open_with(options, false);
}

Result<std::unique_ptr<RevocationIndex>> RevocationIndex::open_read_only(const Options& options) {
    return open_with(options, true);
}

Result<std::unique_ptr<RevocationIndex>> RevocationIndex::open_with(const Options& options,
                                                                    bool read_only) {
    auto context = "open index " + options.path;
    if (auto r = validate_options(options); !r) return tl::unexpected(r.error());
    auto dir = read_only ? existing_directory(options.path) : prepare_directory(options.path);
    if (!dir) return tl::unexpected(dir.error());
    auto guard = OpenPathGuard::acquire(*dir);
    if (!guard) return tl::unexpected(guard.error());
    std::size_t map_size = (options.map_size + kMapGranule - 1) / kMapGranule * kMapGranule;
    auto env = lmdb::Env::open({*dir, map_size, options.max_readers, kMaxDatabases, read_only});
    if (!env) return tl::unexpected(env.error());
    auto dbs = open_databases(*env, kSchemaVersion, read_only);
    if (!dbs) return tl::unexpected(dbs.error().with_context(context));
    MDB_env* raw = env->get();  // Env's move leaves the moved-from one empty
    auto impl = std::unique_ptr<Impl>(new Impl{std::move(*guard),
                                               std::move(*env),
                                               *dbs,
                                               {},
                                               {},
                                               lmdb::ReadTxnPool(raw, options.max_readers / 4)});
    return std::unique_ptr<RevocationIndex>(new RevocationIndex(std::move(impl)));
}

Result<IssuerId> RevocationIndex::ensure_issuer(ByteView identity, std::string_view name) {
    if (auto r = validate_issuer(identity, name); !r) return tl::unexpected(r.error());
    auto existing = find_issuer(identity);
    if (!existing) return tl::unexpected(existing.error());
    if (*existing) return **existing;
    if (impl_->must_replicate()) {
        Bytes id(identity.begin(), identity.end());
        return through_replicator<IssuerId>(*this, *impl_,
                                            EnsureIssuerCommand{std::move(id), std::string(name)});
    }

    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    MDB_val v;
    auto found = txn->get(impl_->dbs.issuers, identity, v);  // another writer may have won
    if (!found) return tl::unexpected(found.error());
    if (*found) {
        auto id = decode_issuer_key(lmdb::view(v));
        if (!id) return tl::unexpected(corrupt("issuer"));
        return *id;
    }
    auto id = next_issuer_id(*txn, impl_->dbs);
    if (!id) return id;
    auto key = encode_issuer_key(*id);
    Bytes info;
    encode_issuer(identity, name, info);
    if (auto r = txn->put(impl_->dbs.issuers, identity, key); !r) return tl::unexpected(r.error());
    if (auto r = txn->put(impl_->dbs.issuer_ids, key, info); !r) return tl::unexpected(r.error());
    if (auto r = impl_->commit_write(*txn); !r) return tl::unexpected(r.error());
    return *id;
}

Result<std::optional<IssuerId>> RevocationIndex::find_issuer(ByteView identity) const {
    if (identity.empty() || identity.size() > kMaxIdentityBytes) return std::nullopt;
    auto txn = impl_->readers.begin();
    if (!txn) return tl::unexpected(txn.error());
    MDB_val v;
    auto found = txn->get(impl_->dbs.issuers, identity, v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return std::nullopt;
    auto id = decode_issuer_key(lmdb::view(v));
    if (!id) return tl::unexpected(corrupt("issuer"));
    return *id;
}

Result<std::vector<IssuerInfo>> RevocationIndex::issuers() const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto cursor = lmdb::Cursor::open(*txn, impl_->dbs.issuer_ids);
    if (!cursor) return tl::unexpected(cursor.error());
    std::vector<IssuerInfo> out;
    MDB_val k, v;
    for (auto op = MDB_FIRST;; op = MDB_NEXT) {
        auto found = cursor->move(k, v, op);
        if (!found) return tl::unexpected(found.error());
        if (!*found) break;
        IssuerInfo info;
        auto id = decode_issuer_key(lmdb::view(k));
        if (!id || !decode_issuer(lmdb::view(v), info)) return tl::unexpected(corrupt("issuer"));
        info.id = *id;
        out.push_back(std::move(info));
    }
    return out;
}

Result<std::optional<CertRecord>> RevocationIndex::find(IssuerId issuer,
                                                        const Serial& serial) const {
    Bytes key;
    encode_record_key(issuer, serial, key);
    auto txn = impl_->readers.begin();
    if (!txn) return tl::unexpected(txn.error());
    MDB_val v;
    auto found = txn->get(impl_->dbs.records, key, v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return std::nullopt;
    CertRecord record;
    if (!decode_record(lmdb::view(v), record)) return tl::unexpected(corrupt("record"));
    return record;
}

Result<bool> RevocationIndex::for_each_record(
    IssuerId issuer, const std::function<bool(const Serial&, const CertRecord&)>& visit) const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto cursor = lmdb::Cursor::open(*txn, impl_->dbs.records);
    if (!cursor) return tl::unexpected(cursor.error());
    const auto prefix = encode_issuer_key(issuer);
    MDB_val k = lmdb::to_val(prefix), v;
    CertRecord record;
    for (auto op = MDB_SET_RANGE;; op = MDB_NEXT) {
        auto found = cursor->move(k, v, op);
        if (!found) return tl::unexpected(found.error());
        ByteView key = lmdb::view(k);
        if (!*found || key.size() <= prefix.size() ||
            !std::equal(prefix.begin(), prefix.end(), key.begin())) {
            return true;
        }
        if (!decode_record(lmdb::view(v), record)) return tl::unexpected(corrupt("record"));
        if (!visit(Serial::from_magnitude(key.subspan(prefix.size())), record)) return false;
    }
}

Result<std::optional<std::string>> RevocationIndex::get_meta(std::string_view key) const {
    if (auto r = validate_meta_key(key); !r) return tl::unexpected(r.error());
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    MDB_val v;
    auto found = txn->get(impl_->dbs.meta, as_bytes(key), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return std::nullopt;
    return std::string(as_chars(lmdb::view(v)));
}

Result<std::optional<std::pair<std::string, std::string>>> RevocationIndex::first_meta_from(
    std::string_view from, std::string_view prefix) const {
    if (auto r = validate_meta_key(from); !r) return tl::unexpected(r.error());
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto cursor = lmdb::Cursor::open(*txn, impl_->dbs.meta);
    if (!cursor) return tl::unexpected(cursor.error());
    MDB_val k = lmdb::to_val(as_bytes(from)), v;
    auto found = cursor->move(k, v, MDB_SET_RANGE);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return std::nullopt;
    std::string key(as_chars(lmdb::view(k)));
    if (!key.starts_with(prefix)) return std::nullopt;
    return std::make_pair(std::move(key), std::string(as_chars(lmdb::view(v))));
}

Result<void> RevocationIndex::put_meta(std::string_view key, std::string_view value) {
    if (auto r = validate_meta_key(key); !r) return r;
    if (auto r = validate_meta_value(value); !r) return r;
    if (impl_->must_replicate()) {
        return through_replicator<void>(*this, *impl_,
                                        PutMetaCommand{std::string(key), std::string(value)});
    }
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    if (auto r = txn->put(impl_->dbs.meta, as_bytes(key), as_bytes(value)); !r) return r;
    return impl_->commit_write(*txn);
}

Result<RevocationIndex::WarmReport> RevocationIndex::warm(std::stop_token stop) const {
    WarmReport report;
    report.huge_page_kib = map_in_huge_pages(impl_->env.get(), stop);
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto cursor = lmdb::Cursor::open(*txn, impl_->dbs.records);
    if (!cursor) return tl::unexpected(cursor.error());
    MDB_val k{}, v{};
    for (auto op = MDB_FIRST;; op = MDB_NEXT) {
        auto found = cursor->move(k, v, op);
        if (!found) return tl::unexpected(found.error());
        if (!*found) return report;
        ++report.records;
        if (report.records % 65536 == 0 && stop.stop_requested()) return report;
    }
}

Result<Stats> RevocationIndex::stats() const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    MDB_stat records{}, journal{}, env_stat{};
    MDB_envinfo info{};
    int rc = mdb_stat(txn->get(), impl_->dbs.records, &records);
    if (rc == 0) rc = mdb_stat(txn->get(), impl_->dbs.journal, &journal);
    if (rc == 0) rc = mdb_env_stat(impl_->env.get(), &env_stat);
    if (rc == 0) rc = mdb_env_info(impl_->env.get(), &info);
    if (rc != 0) return tl::unexpected(lmdb::error(rc, "read statistics"));
    Stats s;
    s.records = records.ms_entries;
    s.journal_entries = journal.ms_entries;
    s.map_size = info.me_mapsize;
    s.used_bytes = (info.me_last_pgno + 1) * env_stat.ms_psize;
    return s;
}

}  // namespace tanda::storage
