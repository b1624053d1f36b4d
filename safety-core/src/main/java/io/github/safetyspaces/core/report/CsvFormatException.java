package io.github.safetyspaces.core.report;

import java.nio.file.Path;

/**
 * A CSV file that cannot be read as a table: no header, malformed quoting, or a row whose number of
 * cells differs from the header's.
 */
public class CsvFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param file the file read
     * @param line the line of the problem, counting the header as line 1, or 0 when no line applies
     * @param detail what is wrong, as a sentence without the file and line
     */
    public CsvFormatException(Path file, long line, String detail) {
        super("Invalid CSV " + file + (line > 0 ? " at line " + line : "") + ": " + detail);
        this.file = file;
        this.line = line;
        this.detail = detail;
    }

    /** Returns the file read. */
    public Path file() {
        return file;
    }

    /** Returns the line of the problem, counting the header as line 1, or 0 when no line applies. */
    public long line() {
        return line;
    }

    /** Returns what is wrong, without the file and line. */
    public String detail() {
        return detail;
    }
}
