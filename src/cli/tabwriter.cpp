// Go's text/tabwriter (flags 0), followed step by step: upstream help and `ls` tables are aligned by it, and
// its column blocks are recursive (a column's width is computed over the run of consecutive lines that have a
// cell in that column, inside the block of the column to its left), which no simpler rule reproduces.

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/flags.hpp"

namespace machine::cli {

namespace {

constexpr char k_escape = '\xff';  // tabwriter.Escape

class TabWriter {
public:
    explicit TabWriter(const TabwriterOptions& options) : m_options(options) { reset(); }

    void write(std::string_view text) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char ch = text[i];
            if (m_end_char == 0) {
                if (ch == '\t' || ch == '\v' || ch == '\n' || ch == '\f') {
                    append(text.substr(n, i - n));
                    update_width();
                    n = i + 1;
                    const std::size_t cells = terminate_cell(ch == '\t');
                    if (ch == '\n' || ch == '\f') {
                        add_line();
                        // A one-cell line cannot influence later columns, so Go flushes there.
                        if (ch == '\f' || cells == 1) {
                            flush_buffered();
                        }
                    }
                } else if (ch == k_escape) {
                    append(text.substr(n, i - n));
                    update_width();
                    n = i;  // the escape itself is kept in the output
                    m_end_char = k_escape;
                }
            } else if (ch == m_end_char) {
                append(text.substr(n, i + 1 - n));
                n = i + 1;
                end_escape();
            }
        }
        append(text.substr(n));
    }

    std::string finish() {
        flush_buffered();
        return std::move(m_out);
    }

private:
    struct Cell {
        std::size_t size = 0;  // bytes
        int width = 0;         // runes
        bool htab = false;     // terminated by '\t'
    };

    void reset() {
        m_buf.clear();
        m_pos = 0;
        m_cell = Cell{};
        m_end_char = 0;
        m_lines.clear();
        m_widths.clear();
        add_line();
    }

    void add_line() { m_lines.emplace_back(); }

    void append(std::string_view text) {
        m_buf.append(text);
        m_cell.size += text.size();
    }

    void update_width() {
        m_cell.width += static_cast<int>(rune_count(std::string_view(m_buf).substr(m_pos)));
        m_pos = m_buf.size();
    }

    void end_escape() {
        update_width();
        m_cell.width -= 2;  // the two escape bytes are output but take no room
        m_pos = m_buf.size();
        m_end_char = 0;
    }

    std::size_t terminate_cell(bool htab) {
        m_cell.htab = htab;
        auto& line = m_lines.back();
        line.push_back(m_cell);
        m_cell = Cell{};
        return line.size();
    }

    void flush_buffered() {
        if (m_cell.size > 0) {
            if (m_end_char != 0) {
                end_escape();  // an unterminated escape ends at the flush
            }
            terminate_cell(false);
        }
        format(0, 0, m_lines.size());
        reset();
    }

    void write_padding(int text_width, int cell_width) {
        if (m_options.padchar == '\t') {
            if (m_options.tabwidth == 0) {
                return;  // tabs have no width: no padding possible
            }
            // The cell ends on a tab stop, reached with as few tabs as needed.
            cell_width = (cell_width + m_options.tabwidth - 1) / m_options.tabwidth * m_options.tabwidth;
            const int n = cell_width - text_width;
            if (n <= 0) {
                return;
            }
            m_out.append(static_cast<std::size_t>((n + m_options.tabwidth - 1) / m_options.tabwidth), '\t');
            return;
        }
        if (cell_width > text_width) {
            m_out.append(static_cast<std::size_t>(cell_width - text_width), m_options.padchar);
        }
    }

    std::size_t write_lines(std::size_t pos, std::size_t line0, std::size_t line1) {
        for (std::size_t i = line0; i < line1; ++i) {
            const auto& line = m_lines[i];
            for (std::size_t j = 0; j < line.size(); ++j) {
                const Cell& cell = line[j];
                if (cell.size > 0) {
                    m_out.append(m_buf, pos, cell.size);
                    pos += cell.size;
                }
                if (j < m_widths.size()) {
                    write_padding(cell.width, m_widths[j]);
                }
            }
            if (i + 1 == m_lines.size()) {
                // Last buffered line: no newline, just any text not yet in a cell.
                m_out.append(m_buf, pos, m_cell.size);
                pos += m_cell.size;
            } else {
                m_out.push_back('\n');
            }
        }
        return pos;
    }

    // Formats lines [line0, line1) whose text starts at m_buf[pos]; returns the position after them.
    std::size_t format(std::size_t pos, std::size_t line0, std::size_t line1) {
        const std::size_t column = m_widths.size();
        for (std::size_t current = line0; current < line1; ++current) {
            // The last cell of a line is not tab-terminated and belongs to no column.
            if (column + 1 >= m_lines[current].size()) {
                continue;
            }
            pos = write_lines(pos, line0, current);
            line0 = current;

            int width = m_options.minwidth;
            for (; current < line1; ++current) {
                const auto& line = m_lines[current];
                if (column + 1 >= line.size()) {
                    break;
                }
                width = std::max(width, line[column].width + m_options.padding);
            }

            m_widths.push_back(width);
            pos = format(pos, line0, current);
            m_widths.pop_back();
            // Like Go, the loop increment then skips the line that ended the block: it starts no block here
            // and is written by the next write_lines.
            line0 = current;
        }
        return write_lines(pos, line0, line1);
    }

    TabwriterOptions m_options;
    std::string m_buf;  // cell text without the tabs and newlines
    std::size_t m_pos = 0;
    Cell m_cell;
    char m_end_char = 0;
    std::vector<std::vector<Cell>> m_lines;
    std::vector<int> m_widths;
    std::string m_out;
};

}  // namespace

std::string tabwrite(std::string_view text, const TabwriterOptions& options) {
    TabWriter writer(options);
    writer.write(text);
    return writer.finish();
}

std::string tabwrite_help(const std::string& text) {
    return tabwrite(text, TabwriterOptions{0, 8, 1, '\t'});
}

std::string tabwrite_table(const std::string& text) {
    return tabwrite(text, TabwriterOptions{5, 1, 3, ' '});
}

}  // namespace machine::cli
