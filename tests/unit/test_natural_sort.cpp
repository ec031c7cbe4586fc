// Tests of the `ls` natural order (reference/cli.md §3.8 "Natural sort").

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "machine/natural_sort.hpp"

namespace machine {
namespace {

using Names = std::vector<std::string>;

void expect_before(const std::string& a, const std::string& b) {
    EXPECT_TRUE(natural_less(a, b)) << '"' << a << "\" < \"" << b << '"';
    EXPECT_FALSE(natural_less(b, a)) << '"' << b << "\" < \"" << a << '"';
}

TEST(NaturalLess, ReferenceExample) {
    // master2 < Master10 < testmachine < testmachine2, on lower-cased names.
    expect_before("master2", "master10");
    expect_before("master10", "testmachine");
    expect_before("testmachine", "testmachine2");
}

TEST(NaturalLess, NumbersCompareByValue) {
    expect_before("node9", "node10");
    expect_before("node2", "node10");
    expect_before("a1b2", "a1b10");
    expect_before("v1.9", "v1.10");
    // Longer than any integer type: still by length, then digits.
    expect_before("a99999999999999999999999", "a123456789012345678901234567890");
    expect_before("a123456789012345678901234567890", "a123456789012345678901234567891");
}

TEST(NaturalLess, LeadingZerosTieBreak) {
    expect_before("a1", "a01");  // same value: the shorter run first
    expect_before("a01", "a001");
    expect_before("a001", "a2");  // value wins over padding
    expect_before("a0", "a00");
    expect_before("x0", "x1");
}

TEST(NaturalLess, NumberRunsBeforeTextRuns) {
    expect_before("1a", "aa");
    expect_before("9", "-");  // even where the byte value says otherwise
    expect_before("a1", "a-");
    expect_before("a1", "a_b");
}

TEST(NaturalLess, TextRunsAreBytewise) {
    expect_before("a", "b");
    expect_before("a-b", "a.b");
    expect_before("a", "ab");        // "a" < "a1" too: see below
    expect_before("a1", "ab");       // runs "a" vs "ab"
    expect_before("B", "a");         // callers lower-case first; bytes otherwise
    expect_before("z", "\xc3\xa9");  // bytes compare unsigned
}

TEST(NaturalLess, PrefixRuns) {
    // Runs equal as far as both go, and no digit at a shared position: bytewise.
    expect_before("a", "a1");
    expect_before("", "a");
    expect_before("", "1");
    expect_before("abc", "abcd");
}

TEST(NaturalLess, SpacesAreDroppedThenDigitPositionDecides) {
    // "a 1" and "a1" have the same runs; at index 1 only "a1" has a digit.
    expect_before("a1", "a 1");
    expect_before("a 1", "a2");  // different runs: spaces play no part
    expect_before("ab1", "ab 1 ");
}

TEST(NaturalLess, NotAStrictOrderingLikeUpstream) {
    // Equal runs up to the shorter name and a digit at the same position in both: each is "less".
    EXPECT_TRUE(natural_less("dev1", "dev1-test"));
    EXPECT_TRUE(natural_less("dev1-test", "dev1"));
    EXPECT_TRUE(natural_less("a1", "a1"));
    EXPECT_FALSE(natural_less("abc", "abc"));
    EXPECT_FALSE(natural_less("", ""));
}

TEST(NaturalSort, LsReferenceOrder) {
    Names names = {"broken", "gen6", "master10", "master2", "plug"};  // lower-cased, directory order
    natural_sort(names);
    EXPECT_EQ(names, (Names{"broken", "gen6", "master2", "master10", "plug"}));
}

TEST(NaturalSort, SmallInputs) {
    Names empty;
    natural_sort(empty);
    EXPECT_TRUE(empty.empty());
    Names one = {"x"};
    natural_sort(one);
    EXPECT_EQ(one, Names{"x"});
    Names names = {"node10", "node9", "node1", "node100", "node09"};
    natural_sort(names);
    EXPECT_EQ(names, (Names{"node1", "node9", "node09", "node10", "node100"}));
}

TEST(NaturalSort, IncomparablePairsFollowGoInsertionSort) {
    // Go's insertion sort swaps whenever Less(j, j-1): with both orders "less", two such names always swap.
    Names names = {"dev1", "dev1-x"};
    natural_sort(names);
    EXPECT_EQ(names, (Names{"dev1-x", "dev1"}));
    Names reversed = {"dev1-x", "dev1"};
    natural_sort(reversed);
    EXPECT_EQ(reversed, (Names{"dev1", "dev1-x"}));
}

TEST(NaturalSort, LargeInputsMatchAnyCorrectSortWhenOrderIsStrict) {
    // Names of the form <letters><digits> are strictly ordered by natural_less, so Go's quicksort (with
    // ninther pivots above 40 elements and the shell pass below 13) must agree with std::sort.
    std::mt19937 random(12345);
    for (const std::size_t size : {2u, 7u, 12u, 13u, 20u, 41u, 100u, 257u, 1000u}) {
        Names names;
        std::uniform_int_distribution<int> letters(1, 3);
        std::uniform_int_distribution<int> letter('a', 'd');
        std::uniform_int_distribution<int> number(0, 120);
        std::uniform_int_distribution<int> pad(0, 2);
        while (names.size() < size) {
            std::string name;
            for (int i = letters(random); i > 0; --i) {
                name += static_cast<char>(letter(random));
            }
            if (random() % 4 != 0) {
                name +=
                    std::string(static_cast<std::size_t>(pad(random)), '0') + std::to_string(number(random));
            }
            if (std::find(names.begin(), names.end(), name) == names.end()) {
                names.push_back(name);
            }
        }
        Names expected = names;
        std::sort(expected.begin(), expected.end(),
                  [](const std::string& a, const std::string& b) { return natural_less(a, b); });
        natural_sort(names);
        EXPECT_EQ(names, expected) << "size " << size;
    }
}

TEST(NaturalSort, ManyDuplicateLikeKeysDoNotBreakTheSort) {
    // A comparator that says "less" both ways must not make the sort misbehave (std::sort could run off the
    // end): every element is kept.
    Names names;
    for (int i = 0; i < 300; ++i) {
        names.push_back("dev1" + std::string(static_cast<std::size_t>(i % 17), 'x'));
    }
    Names sorted_input = names;
    natural_sort(names);
    std::sort(names.begin(), names.end());
    std::sort(sorted_input.begin(), sorted_input.end());
    EXPECT_EQ(names, sorted_input);
}

}  // namespace
}  // namespace machine
