#include "cli.hpp"

int main(int argc, char** argv) {
    return dropcat::cli::run(argc, argv);
}
