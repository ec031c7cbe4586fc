#include "machine/natural_sort.hpp"

#include <cstddef>
#include <utility>

namespace machine {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Maximal runs of digits / non-digits of `text` without its spaces (upstream: `[^0-9]+|[0-9]+` after
// strings.Replace(s, " ", "", -1)).
std::vector<std::string> split_runs(std::string_view text) {
    std::vector<std::string> runs;
    for (const char c : text) {
        if (c == ' ') {
            continue;
        }
        if (runs.empty() || is_digit(runs.back().back()) != is_digit(c)) {
            runs.emplace_back();
        }
        runs.back().push_back(c);
    }
    return runs;
}

std::string_view trim_leading_zeros(std::string_view run) {
    while (!run.empty() && run.front() == '0') {
        run.remove_prefix(1);
    }
    return run;
}

// Go 1.12 sort.Sort (quicksort with ninther pivots, heapsort fallback, shell pass + insertion sort for short
// ranges), over names with natural_less.
class GoSorter {
public:
    explicit GoSorter(std::vector<std::string>& data) : m_data(data) {}

    void sort() {
        const std::size_t n = m_data.size();
        int depth = 0;
        for (std::size_t i = n; i > 0; i >>= 1) {
            ++depth;
        }
        quick_sort(0, n, depth * 2);
    }

private:
    bool less(std::size_t i, std::size_t j) const { return natural_less(m_data[i], m_data[j]); }
    void swap(std::size_t i, std::size_t j) { std::swap(m_data[i], m_data[j]); }

    void insertion_sort(std::size_t a, std::size_t b) {
        for (std::size_t i = a + 1; i < b; ++i) {
            for (std::size_t j = i; j > a && less(j, j - 1); --j) {
                swap(j, j - 1);
            }
        }
    }

    void sift_down(std::size_t lo, std::size_t hi, std::size_t first) {
        std::size_t root = lo;
        while (true) {
            std::size_t child = 2 * root + 1;
            if (child >= hi) {
                return;
            }
            if (child + 1 < hi && less(first + child, first + child + 1)) {
                ++child;
            }
            if (!less(first + root, first + child)) {
                return;
            }
            swap(first + root, first + child);
            root = child;
        }
    }

    void heap_sort(std::size_t a, std::size_t b) {
        const std::size_t first = a;
        const std::size_t hi = b - a;
        for (std::size_t i = (hi - 1) / 2 + 1; i-- > 0;) {
            sift_down(i, hi, first);
        }
        for (std::size_t i = hi; i-- > 0;) {
            swap(first, first + i);
            sift_down(0, i, first);
        }
    }

    // Moves the median of data[m0], data[m1], data[m2] into data[m1].
    void median_of_three(std::size_t m1, std::size_t m0, std::size_t m2) {
        if (less(m1, m0)) {
            swap(m1, m0);
        }
        if (less(m2, m1)) {
            swap(m2, m1);
            if (less(m1, m0)) {
                swap(m1, m0);
            }
        }
    }

    std::pair<std::size_t, std::size_t> do_pivot(std::size_t lo, std::size_t hi) {
        const std::size_t m = lo + (hi - lo) / 2;
        if (hi - lo > 40) {
            const std::size_t s = (hi - lo) / 8;
            median_of_three(lo, lo + s, lo + 2 * s);
            median_of_three(m, m - s, m + s);
            median_of_three(hi - 1, hi - 1 - s, hi - 1 - 2 * s);
        }
        median_of_three(lo, m, hi - 1);

        const std::size_t pivot = lo;
        std::size_t a = lo + 1;
        std::size_t c = hi - 1;
        for (; a < c && less(a, pivot); ++a) {
        }
        std::size_t b = a;
        while (true) {
            for (; b < c && !less(pivot, b); ++b) {
            }
            for (; b < c && less(pivot, c - 1); --c) {
            }
            if (b >= c) {
                break;
            }
            swap(b, c - 1);
            ++b;
            --c;
        }
        bool protect = hi - c < 5;
        if (!protect && hi - c < (hi - lo) / 4) {
            int dups = 0;
            if (!less(pivot, hi - 1)) {
                swap(c, hi - 1);
                ++c;
                ++dups;
            }
            if (!less(b - 1, pivot)) {
                --b;
                ++dups;
            }
            if (!less(m, pivot)) {
                swap(m, b - 1);
                --b;
                ++dups;
            }
            protect = dups > 1;
        }
        if (protect) {
            while (true) {
                for (; a < b && !less(b - 1, pivot); --b) {
                }
                for (; a < b && less(a, pivot); ++a) {
                }
                if (a >= b) {
                    break;
                }
                swap(a, b - 1);
                ++a;
                --b;
            }
        }
        swap(pivot, b - 1);
        return {b - 1, c};
    }

    void quick_sort(std::size_t a, std::size_t b, int max_depth) {
        while (b - a > 12) {
            if (max_depth == 0) {
                heap_sort(a, b);
                return;
            }
            --max_depth;
            const auto [mlo, mhi] = do_pivot(a, b);
            // Recursing into the smaller side bounds the stack depth.
            if (mlo - a < b - mhi) {
                quick_sort(a, mlo, max_depth);
                a = mhi;
            } else {
                quick_sort(mhi, b, max_depth);
                b = mlo;
            }
        }
        if (b - a > 1) {
            for (std::size_t i = a + 6; i < b; ++i) {
                if (less(i, i - 6)) {
                    swap(i, i - 6);
                }
            }
            insertion_sort(a, b);
        }
    }

    std::vector<std::string>& m_data;
};

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
    const auto runs_a = split_runs(a);
    const auto runs_b = split_runs(b);
    for (std::size_t i = 0; i < runs_a.size() && i < runs_b.size(); ++i) {
        const std::string& run_a = runs_a[i];
        const std::string& run_b = runs_b[i];
        if (run_a == run_b) {
            continue;
        }
        const bool number_a = is_digit(run_a.front());
        const bool number_b = is_digit(run_b.front());
        if (number_a && number_b) {
            const auto value_a = trim_leading_zeros(run_a);
            const auto value_b = trim_leading_zeros(run_b);
            if (value_a.size() != value_b.size()) {
                return value_a.size() < value_b.size();
            }
            if (value_a != value_b) {
                return value_a < value_b;
            }
            return run_a.size() < run_b.size();  // same value: less zero-padding first
        }
        if (number_a || number_b) {
            return number_a;  // numbers before text, whatever their byte values
        }
        return run_a < run_b;
    }
    // Equal runs (possibly only because spaces were dropped): the first digit position in the originals
    // decides; both having a digit there makes each "less" than the other, as upstream.
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (is_digit(a[i]) || is_digit(b[i])) {
            return is_digit(a[i]);
        }
    }
    return a < b;
}

void natural_sort(std::vector<std::string>& names) {
    GoSorter(names).sort();
}

}  // namespace machine
