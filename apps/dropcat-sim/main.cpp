#include "cli.hpp"

int main(int argc, char** argv) {
    return dropcat::sim::run(argc, argv);
}
