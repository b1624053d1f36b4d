package io.github.safetyspaces.core.report.html;

import java.util.List;
import java.util.Locale;

/** Escaping and small building blocks shared by the report's HTML and SVG. */
public final class Html {

    private Html() {
    }

    /**
     * Escapes text for an HTML or XML element body or a quoted attribute value.
     *
     * @param text any text, possibly null
     * @return the escaped text; empty for null
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> {
                    // XML 1.0 forbids most control characters even when escaped.
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /**
     * Formats a pixel coordinate with two decimals in the root locale.
     *
     * @param value the coordinate
     * @return the text, such as {@code 60.00}
     */
    public static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * Formats a table with a header row; every cell is escaped.
     *
     * @param header the column names
     * @param rows the cells, each row in header order
     * @return the {@code <table>} element
     */
    public static String table(List<String> header, List<List<String>> rows) {
        StringBuilder html = new StringBuilder("<table>\n<thead><tr>");
        for (String column : header) {
            html.append("<th>").append(escape(column)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            html.append("<tr>");
            for (String cell : row) {
                html.append("<td>").append(escape(cell)).append("</td>");
            }
            html.append("</tr>\n");
        }
        return html.append("</tbody>\n</table>\n").toString();
    }
}
