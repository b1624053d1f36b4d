package io.github.safetyspaces.core.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * File format of an instruction data set, with the meaning of a row number in each, which error
 * messages and {@link InstructionExample#row()} use.
 */
public enum DataFormat {

    /** One JSON object per line. A row number is the 1-based line number, blank lines included. */
    JSONL("jsonl"),

    /** A JSON array of objects. A row number is the 1-based position of the object in the array. */
    JSON("json"),

    /**
     * Comma-separated values with a header row that names the fields, in the quoting of RFC 4180. A
     * quoted field may contain commas, quotes (doubled) and line breaks. A row number is the 1-based
     * position of the record after the header, which differs from the line number when a field
     * contains a line break. Empty lines are skipped and not counted.
     */
    CSV("csv");

    private final String extension;

    DataFormat(String extension) {
        this.extension = extension;
    }

    /**
     * Returns the file name extension of the format, which is also its name in settings.
     *
     * @return {@code jsonl}, {@code json} or {@code csv}
     */
    public String extension() {
        return extension;
    }

    /**
     * Chooses the format from a file name's extension, ignoring case.
     *
     * @param file the data file
     * @return the format
     * @throws IllegalArgumentException if the extension is not {@code .jsonl}, {@code .json} or
     *     {@code .csv}
     */
    public static DataFormat fromExtension(Path file) {
        Objects.requireNonNull(file, "file");
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (DataFormat format : values()) {
            if (name.endsWith("." + format.extension)) {
                return format;
            }
        }
        throw new IllegalArgumentException("Cannot tell the format of data file " + file + " from its extension;"
                + " name it .jsonl, .json or .csv, or set the format (jsonl, json or csv) explicitly.");
    }

    /**
     * Parses a format name as users write it in settings, ignoring case.
     *
     * @param name {@code jsonl}, {@code json} or {@code csv}
     * @return the format
     * @throws IllegalArgumentException if the name matches none of these
     */
    public static DataFormat parse(String name) {
        Objects.requireNonNull(name, "name");
        String normalized = name.trim().toLowerCase(Locale.ROOT);
        for (DataFormat format : values()) {
            if (format.extension.equals(normalized)) {
                return format;
            }
        }
        throw new IllegalArgumentException("Unknown data format '" + name + "'; use jsonl, json or csv.");
    }
}
