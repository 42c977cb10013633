// Minimal "--name value" / "--flag" argument parsing for the subcommands.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tanda::cli {

class Args {
public:
    // `with_value` and `flags` list the accepted options (without "--"). Unknown options,
    // missing values and positional arguments are recorded in error().
    Args(const std::vector<std::string>& argv, const std::set<std::string>& with_value,
         const std::set<std::string>& flags);

    std::optional<std::string> get(const std::string& name) const;
    bool has(const std::string& name) const { return values_.count(name) > 0; }
    const std::string& error() const { return error_; }

private:
    std::map<std::string, std::string> values_;
    std::string error_;
};

}  // namespace tanda::cli
