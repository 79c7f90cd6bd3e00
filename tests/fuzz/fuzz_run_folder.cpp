// The run-folder index and the job record: config.json, metrics.csv, log.txt and a checkpoint,
// notes.json (tags and notes), as the Runs page and `tleg rerun` read them.
#include "fuzz_support.h"
#include "workflow/jobs.h"
#include "workflow/run_index.h"
#include "workflow/run_notes.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto files = fuzz::parts(fuzz::bytes(data, size), 5);
    fuzz::TempDir dir;
    const std::string run = dir.path("run");
    dir.write("run/config.json", files[0]);
    dir.write("run/metrics.csv", files[1]);
    dir.write("run/log.txt", files[2]);
    if (!files[3].empty())
        dir.write("run/checkpoint.safetensors", files[3]);
    if (!files[4].empty())
        dir.write("run/notes.json", files[4]);
    // listRun reports a damaged run as Broken; it throws only for a folder that is not a run.
    fuzz::expectOnlyError([&] { tleg::workflow::listRun(run); });
    fuzz::expectOnlyError([&] { tleg::workflow::listRuns(dir.path()); });
    fuzz::expectOnlyError([&] {
        const auto record = tleg::workflow::readRunRecord(run);
        if (record.job == "train")
            tleg::workflow::TrainSpec::fromJson(record.spec).train.validate();
        else
            tleg::workflow::DistillSpec::fromJson(record.spec).train.validate();
    });
    // Notes that read back are written and read again unchanged.
    fuzz::expectOnlyError([&] {
        const auto notes = tleg::workflow::readRunNotes(run);
        tleg::workflow::writeRunNotes(dir.path("copy"), notes);
        const auto again = tleg::workflow::readRunNotes(dir.path("copy"));
        if (again.tags != notes.tags || again.notes != notes.notes)
            std::abort();
    });
    return 0;
}
