// Child processes (machine/process.hpp): captured and separated output, stdin feeding, exit statuses.

#include <gtest/gtest.h>

#include "machine/error.hpp"
#include "machine/process.hpp"

namespace {

namespace process = machine::process;

TEST(Process, CapturedOutputMergesBothStreamsAndFeedsInput) {
    process::Output output = process::run_captured({"sh", "-c", "cat; echo to-stderr >&2; exit 3"}, "fed\n");
    EXPECT_EQ(output.exit_status, 3);
    EXPECT_EQ(output.output, "fed\nto-stderr\n");
}

TEST(Process, SeparatedOutputKeepsStreamsApartAndZeroFillsInput) {
    // 3 bytes of head, then zeros up to 200000 bytes: more than a pipe holds, so feeding and draining
    // interleave.
    process::SeparateOutput output = process::run_separated(
        {"sh", "-c", "head -c 3; tr -d '\\000' | wc -c; od -An -tx1 -N1 </dev/null; echo oops >&2"}, "abc",
        200000);
    EXPECT_EQ(output.exit_status, 0);
    EXPECT_EQ(output.out, "abc0\n");  // every byte after the head was a zero
    EXPECT_EQ(output.err, "oops\n");
}

TEST(Process, SeparatedOutputWithoutInputReadsDevNull) {
    process::SeparateOutput output = process::run_separated({"sh", "-c", "wc -c; kill -TERM $$"});
    EXPECT_EQ(output.out, "0\n");
    EXPECT_EQ(output.exit_status, 128 + 15);
}

TEST(Process, ProgramsThatCannotStartAreErrors) {
    EXPECT_THROW((void)process::run_separated({"/nonexistent/program"}), machine::Error);
    EXPECT_THROW((void)process::run_separated({}), machine::Error);
}

}  // namespace
