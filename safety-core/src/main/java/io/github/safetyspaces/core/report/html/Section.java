package io.github.safetyspaces.core.report.html;

import static io.github.safetyspaces.core.report.html.Html.escape;

import io.github.safetyspaces.core.report.CsvFormatException;
import io.github.safetyspaces.core.report.CsvTable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One section of the experiment report, built up as HTML: a heading, then paragraphs, tables and
 * plot panels. A section whose input is missing or unreadable shows a note in place of its content.
 */
final class Section {

    private final String id;
    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<String> panels = new ArrayList<>();

    /**
     * Starts a section.
     *
     * @param id the anchor of the section, letters and hyphens
     * @param title the heading
     */
    Section(String id, String title) {
        this.id = id;
        this.title = title;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    /** Adds a paragraph of text, escaped. */
    Section paragraph(String text) {
        return block("<p>", "</p>", text);
    }

    /** Adds a note, such as why a plot is missing. */
    Section note(String text) {
        return block("<p class=\"note\">", "</p>", text);
    }

    /** Adds a sub-heading. */
    Section heading(String text) {
        return block("<h3>", "</h3>", text);
    }

    private Section block(String open, String close, String text) {
        return html(open + escape(text) + close + "\n");
    }

    /** Adds HTML that the caller has escaped. */
    Section html(String html) {
        flushPanels();
        body.append(html);
        return this;
    }

    /** Adds a plot panel; consecutive panels are laid out side by side. An empty plot is left out. */
    Section plot(LinePlot plot) {
        if (!plot.isEmpty()) {
            panels.add("<figure class=\"panel\">\n" + plot.toSvg() + "</figure>\n");
        }
        return this;
    }

    /** Returns the section as a {@code <section>} element. */
    String render() {
        flushPanels();
        return "<section id=\"" + id + "\">\n<h2>" + escape(title) + "</h2>\n" + body + "</section>\n";
    }

    private void flushPanels() {
        if (!panels.isEmpty()) {
            body.append("<div class=\"panels\">\n").append(String.join("", panels)).append("</div>\n");
            panels.clear();
        }
    }

    /**
     * Reads a result table, or adds a note with the reason it cannot.
     *
     * @param folder the experiment folder
     * @param relative the file's path relative to it
     * @param missingNote the note when the file does not exist, such as which goal writes it
     * @return the table, or null after a note
     */
    CsvTable readOrNote(Path folder, String relative, String missingNote) {
        Path file = folder.resolve(relative);
        if (!Files.isRegularFile(file)) {
            note("No " + relative + ": " + missingNote);
            return null;
        }
        return readOrNote(folder, file);
    }

    /**
     * Reads a result table that exists, or adds a note when it is not a valid CSV.
     *
     * @param folder the experiment folder, for the relative name in the note
     * @param file the file
     * @return the table, or null after a note
     */
    CsvTable readOrNote(Path folder, Path file) {
        try {
            return CsvTable.read(file);
        } catch (CsvFormatException | UncheckedIOException e) {
            note(folder.relativize(file) + " cannot be read, so it is not plotted: " + e.getMessage());
            return null;
        }
    }
}
