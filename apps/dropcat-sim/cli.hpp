#pragma once

namespace dropcat::sim {

// The whole program: parses the command line, loads the scenario and serves it. Returns the
// exit status (dropcat-sim(1), EXIT STATUS).
int run(int argc, char** argv);

} // namespace dropcat::sim
