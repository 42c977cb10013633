// The request and response every handler sees: plain values, no Asio or Beast, so the folders
// that hold handlers (ocsp/, crl/, admin/) are built once whatever the I/O backend. Sessions
// convert from and to Beast inside http/ (beast_message.hpp). Bodies are small (OCSP, JSON) or
// shared immutable bytes (cached responses, CRLs) written from their buffer without a copy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/shared_bytes.hpp"

namespace tanda::http {

// The methods routes name; any other request method is `unknown` (404 or 405 from the router).
enum class Verb { unknown, delete_, get, head, post, put, patch };
// "GET", "DELETE", ...; "<unknown>" for Verb::unknown.
std::string_view to_string(Verb verb) noexcept;

// The statuses Tanda answers with; a response read by the client may hold any code.
enum class Status : unsigned {
    ok = 200,
    created = 201,
    accepted = 202,
    not_modified = 304,
    bad_request = 400,
    unauthorized = 401,
    forbidden = 403,
    not_found = 404,
    method_not_allowed = 405,
    conflict = 409,
    payload_too_large = 413,
    uri_too_long = 414,
    unsupported_media_type = 415,
    too_many_requests = 429,
    request_header_fields_too_large = 431,
    internal_server_error = 500,
    service_unavailable = 503,
};
// The reason phrase of the status line ("Not Modified"), as Beast writes it; "" for others.
std::string_view reason(Status status) noexcept;

// The header fields Tanda reads or writes, by name.
enum class Field {
    accept,
    allow,
    cache_control,
    connection,
    content_length,
    content_type,
    etag,
    expires,
    host,
    if_modified_since,
    if_none_match,
    last_modified,
    retry_after,
    user_agent,
    www_authenticate,
};
// The field's name as it goes on the wire ("Cache-Control", "ETag"), Beast's spelling.
std::string_view to_string(Field field) noexcept;

// Header fields in the order they were added; names compare ASCII case-insensitively.
class Fields {
public:
    struct Entry {
        std::string name;
        std::string value;
    };

    // The value of the first field named `name`; empty when there is none. The view lives until
    // the field is changed.
    std::string_view operator[](std::string_view name) const;
    std::string_view operator[](Field field) const { return (*this)[to_string(field)]; }
    // How many fields are named `name` (case-insensitively).
    std::size_t count(std::string_view name) const;
    std::size_t count(Field field) const { return count(to_string(field)); }
    // Removes every field named `name`, then appends one (Beast's set).
    void set(std::string_view name, std::string_view value);
    void set(Field field, std::string_view value) { set(to_string(field), value); }
    // Appends, keeping earlier fields of the same name (a parsed header).
    void insert(std::string_view name, std::string_view value);
    void erase(std::string_view name);
    void clear() noexcept { entries_.clear(); }

    std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
    std::vector<Entry>::const_iterator end() const { return entries_.end(); }
    std::size_t size() const { return entries_.size(); }

private:
    std::vector<Entry> entries_;
};

class Request {
public:
    Request() = default;
    // `version` 10 or 11, as HTTP/1.x.
    Request(Verb method, std::string target, unsigned version)
        : method_(method), target_(std::move(target)), version_(version) {}

    Verb method() const { return method_; }
    void method(Verb method) { method_ = method; }
    // The request target as sent: path and query, percent-encoding kept.
    std::string_view target() const { return target_; }
    void target(std::string_view target) { target_.assign(target); }
    unsigned version() const { return version_; }
    void version(unsigned version) { version_ = version; }

    std::string_view operator[](std::string_view name) const { return fields_[name]; }
    std::string_view operator[](Field field) const { return fields_[field]; }
    void set(Field field, std::string_view value) { fields_.set(field, value); }
    Fields& fields() { return fields_; }
    const Fields& fields() const { return fields_; }

    std::string& body() { return body_; }
    const std::string& body() const { return body_; }

    // Whether the client lets the connection stay open (RFC 9112 9.3): HTTP/1.1 unless
    // Connection lists "close", HTTP/1.0 only when it lists "keep-alive".
    bool keep_alive() const;

private:
    Verb method_ = Verb::unknown;
    std::string target_;
    unsigned version_ = 11;
    Fields fields_;
    std::string body_;
};

// A response's payload: text built for this response (the string), or immutable bytes shared
// with whoever keeps them (cached OCSP answers, CRLs), sent from that buffer, never copied.
class Body : public std::string {
public:
    using std::string::string;
    using std::string::operator=;
    Body() = default;
    Body(std::string s) : std::string(std::move(s)) {}

    // Sends `bytes` (never null) as the payload; the string part is cleared.
    void share(std::shared_ptr<const Bytes> bytes) { share(SharedBytes(std::move(bytes))); }
    // The same for bytes wherever they live (a mapped CRL file).
    void share(SharedBytes bytes) {
        std::string::clear();
        shared_ = std::move(bytes);
    }
    const SharedBytes& shared() const { return shared_; }
    // What goes on the wire, whichever form holds it.
    std::string_view payload() const {
        if (shared_.owner()) return as_chars(shared_.view());
        return {data(), std::string::size()};
    }
    std::size_t payload_size() const {
        return shared_.owner() ? shared_.size() : std::string::size();
    }
    void clear() noexcept {
        std::string::clear();
        shared_ = SharedBytes();
    }

private:
    SharedBytes shared_;
};

class Response {
public:
    Response() = default;
    Response(Status status, unsigned version) : status_(status), version_(version) {}

    Status result() const { return status_; }
    void result(Status status) { status_ = status; }
    unsigned result_int() const { return static_cast<unsigned>(status_); }
    unsigned version() const { return version_; }

    std::string_view operator[](std::string_view name) const { return fields_[name]; }
    std::string_view operator[](Field field) const { return fields_[field]; }
    void set(std::string_view name, std::string_view value) { fields_.set(name, value); }
    void set(Field field, std::string_view value) { fields_.set(field, value); }
    Fields& fields() { return fields_; }
    const Fields& fields() const { return fields_; }
    std::size_t count(Field field) const { return fields_.count(field); }
    bool has_content_length() const { return fields_.count(Field::content_length) > 0; }

    Body& body() { return body_; }
    const Body& body() const { return body_; }

    // Sets Content-Length to `length` (a HEAD answer keeps its GET body's length).
    void content_length(std::uint64_t length);
    // Sets Content-Length to the body's size. Every response with a body calls it once its
    // body is final: the session frames by Content-Length only, never chunked.
    void prepare_payload() { content_length(body_.payload_size()); }

    // HTTP/1.1: false adds "Connection: close", true removes it; HTTP/1.0: true adds
    // "Connection: keep-alive", false removes it (as Beast does for a response that had no
    // Connection field of its own; handlers set none).
    bool keep_alive() const;
    void keep_alive(bool keep);

private:
    Status status_ = Status::ok;
    unsigned version_ = 11;
    Fields fields_;
    Body body_;
};

}  // namespace tanda::http
