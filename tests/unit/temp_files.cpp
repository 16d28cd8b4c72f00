#include "temp_files.hpp"

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace dropcat::test {

TempDir::TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "dropcat-test-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = templ;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content,
                                     bool gzip) const {
    auto path = m_path / name;
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb");
        if (f == nullptr) throw std::runtime_error("gzopen failed");
        gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
        gzclose(f);
    } else {
        std::ofstream out(path, std::ios::binary);
        out << content;
    }
    return path;
}

} // namespace dropcat::test
