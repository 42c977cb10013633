#include "http/message.hpp"

#include <algorithm>
#include <charconv>

namespace tanda::http {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

// Whether the comma-separated list `value` holds `token` (RFC 9110 5.6.1), case-insensitively.
bool has_token(std::string_view value, std::string_view token) {
    while (!value.empty()) {
        const auto comma = value.find(',');
        std::string_view item = value.substr(0, comma);
        value = comma == std::string_view::npos ? "" : value.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (iequals(item, token)) return true;
    }
    return false;
}

// RFC 9112 9.3: HTTP/1.1 persists unless Connection lists "close"; 1.0 only with "keep-alive".
bool persistent(unsigned version, std::string_view connection) {
    return version >= 11 ? !has_token(connection, "close") : has_token(connection, "keep-alive");
}

}  // namespace

std::string_view to_string(Verb verb) noexcept {
    switch (verb) {
        case Verb::delete_:
            return "DELETE";
        case Verb::get:
            return "GET";
        case Verb::head:
            return "HEAD";
        case Verb::post:
            return "POST";
        case Verb::put:
            return "PUT";
        case Verb::patch:
            return "PATCH";
        case Verb::unknown:
            break;
    }
    return "<unknown>";
}

std::string_view reason(Status status) noexcept {
    switch (status) {
        case Status::ok:
            return "OK";
        case Status::created:
            return "Created";
        case Status::accepted:
            return "Accepted";
        case Status::not_modified:
            return "Not Modified";
        case Status::bad_request:
            return "Bad Request";
        case Status::unauthorized:
            return "Unauthorized";
        case Status::forbidden:
            return "Forbidden";
        case Status::not_found:
            return "Not Found";
        case Status::method_not_allowed:
            return "Method Not Allowed";
        case Status::conflict:
            return "Conflict";
        case Status::payload_too_large:
            return "Payload Too Large";
        case Status::uri_too_long:
            return "URI Too Long";
        case Status::unsupported_media_type:
            return "Unsupported Media Type";
        case Status::too_many_requests:
            return "Too Many Requests";
        case Status::request_header_fields_too_large:
            return "Request Header Fields Too Large";
        case Status::internal_server_error:
            return "Internal Server Error";
        case Status::service_unavailable:
            return "Service Unavailable";
    }
    return "";
}

std::string_view to_string(Field field) noexcept {
    switch (field) {
        case Field::accept:
            return "Accept";
        case Field::allow:
            return "Allow";
        case Field::cache_control:
            return "Cache-Control";
        case Field::connection:
            return "Connection";
        case Field::content_length:
            return "Content-Length";
        case Field::content_type:
            return "Content-Type";
        case Field::etag:
            return "ETag";
        case Field::expires:
            return "Expires";
        case Field::host:
            return "Host";
        case Field::if_modified_since:
            return "If-Modified-Since";
        case Field::if_none_match:
            return "If-None-Match";
        case Field::last_modified:
            return "Last-Modified";
        case Field::retry_after:
            return "Retry-After";
        case Field::user_agent:
            return "User-Agent";
        case Field::www_authenticate:
            return "WWW-Authenticate";
    }
    return "";
}

std::string_view Fields::operator[](std::string_view name) const {
    for (const auto& e : entries_) {
        if (iequals(e.name, name)) return e.value;
    }
    return {};
}

std::size_t Fields::count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& e : entries_) n += iequals(e.name, name) ? 1 : 0;
    return n;
}

void Fields::set(std::string_view name, std::string_view value) {
    erase(name);
    insert(name, value);
}

void Fields::insert(std::string_view name, std::string_view value) {
    entries_.push_back(Entry{std::string(name), std::string(value)});
}

void Fields::erase(std::string_view name) {
    std::erase_if(entries_, [name](const Entry& e) { return iequals(e.name, name); });
}

bool Request::keep_alive() const { return persistent(version_, fields_[Field::connection]); }

void Response::content_length(std::uint64_t length) {
    char text[20];
    const auto end = std::to_chars(text, text + sizeof text, length).ptr;
    fields_.set(Field::content_length,
                std::string_view(text, static_cast<std::size_t>(end - text)));
}

bool Response::keep_alive() const { return persistent(version_, fields_[Field::connection]); }

void Response::keep_alive(bool keep) {
    if (keep == (version_ >= 11)) {
        fields_.erase(to_string(Field::connection));
    } else {
        fields_.set(Field::connection, keep ? "keep-alive" : "close");
    }
}

}  // namespace tanda::http
