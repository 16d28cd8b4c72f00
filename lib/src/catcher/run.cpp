// The catch run (dropcat catch run): the engine (catcher/engine.hpp) started here.
#include "catcher/engine.hpp"

namespace dropcat {

Result<RunSummary> run_catch(Store& store, const Config& config, const CatchPlan& plan,
                             std::map<std::string, Registrar*> accounts,
                             std::map<std::string, AccountFacts> facts, const RunOptions& options) {
    catcher::Engine engine(store, config, plan, std::move(accounts), std::move(facts), options);
    return engine.run();
}

} // namespace dropcat
