#pragma once

#include <filesystem>
#include <string>

namespace dropcat::test {

// A folder under the system's temp folder, removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    // Writes a file (gzip-compressed when `gzip`) and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& content,
                                bool gzip = false) const;

  private:
    std::filesystem::path m_path;
};

} // namespace dropcat::test
