#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace machine {

// The order `docker-machine ls` lists machines in (reference/cli.md §3.8 "Natural sort"): Less of
// skarademir/naturalsort, applied by upstream to lower-cased names. Spaces are dropped, the rest is split
// into digit / non-digit runs compared run by run (numbers by value, then shorter zero-padding first; a
// number before text; text bytewise); on a tie the first position where either original has a digit decides,
// then a bytewise comparison. Not a strict weak ordering ("a1" and "a1b" are each "less" than the other), so
// never pass it to std::sort (undefined behaviour): use natural_sort.
[[nodiscard]] bool natural_less(std::string_view a, std::string_view b);

// Go 1.12's sort.Sort(naturalsort.NaturalSort(names)): the same comparisons and swaps as upstream, so names
// that natural_less cannot order end up where upstream puts them.
void natural_sort(std::vector<std::string>& names);

}  // namespace machine
