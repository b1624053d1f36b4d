package io.github.safetyspaces.core.data;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * Reads the rows of a data file as JSON objects, whatever its format, with the row numbers that
 * {@link DataFormat} defines. CSV fields become JSON strings.
 */
final class DataRows {

    /** One row of a data file, before field mapping and filters. */
    record Row(int number, JsonObject fields) {
    }

    /** Reads JSON values with the reader's own strictness, unlike {@code JsonParser.parseReader}. */
    static final TypeAdapter<JsonElement> ELEMENT_ADAPTER = new Gson().getAdapter(JsonElement.class);

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    // Empty header names are allowed because pandas writes its unnamed index column with one.
    private static final CSVFormat CSV_FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setAllowMissingColumnNames(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_EMPTY)
            .get();

    private DataRows() {
    }

    /**
     * Reads every row of a UTF-8 file.
     *
     * @throws IllegalArgumentException if the file is not valid UTF-8 or not valid in its format,
     *     naming the file and the line or row
     * @throws UncheckedIOException if the file cannot be read
     */
    static List<Row> read(Path file, DataFormat format) {
        try (BufferedReader reader = openUtf8(file)) {
            // An empty file has no rows in any format. Strict JSON would reject it as incomplete.
            if (Files.size(file) == 0) {
                return List.of();
            }
            return switch (format) {
                case JSONL -> readJsonLines(file, reader);
                case JSON -> readJsonArray(file, reader);
                case CSV -> readCsv(file, reader);
            };
        } catch (CharacterCodingException e) {
            throw notUtf8(file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read data file " + file.toAbsolutePath() + ": " + e.getMessage(),
                    e);
        }
    }

    // JSON Lines.

    private static List<Row> readJsonLines(Path file, BufferedReader reader) throws IOException {
        List<Row> rows = new ArrayList<>();
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            JsonReader json = strictReader(new StringReader(line));
            JsonElement element;
            try {
                element = ELEMENT_ADAPTER.read(json);
            } catch (IOException e) {
                // Gson parses each line as a document of its own, so its "line 1" is this line.
                String error = describeJsonError(e).replace(" at line 1 column ", " at column ");
                throw new IllegalArgumentException("Malformed JSON on line " + lineNumber + " of " + file + ": "
                        + error + ".", e);
            }
            if (!isAtEnd(json)) {
                throw new IllegalArgumentException("Malformed JSON on line " + lineNumber + " of " + file
                        + ": text follows the end of the value; a JSON Lines file has one object per line.");
            }
            if (!element.isJsonObject()) {
                throw new IllegalArgumentException("Line " + lineNumber + " of " + file + " is " + describe(element)
                        + ", but each line of a JSON Lines file must be an object such as {\"instruction\": \"...\"}.");
            }
            rows.add(new Row(lineNumber, element.getAsJsonObject()));
        }
        return rows;
    }

    // JSON array.

    private static List<Row> readJsonArray(Path file, BufferedReader reader) throws IOException {
        List<Row> rows = new ArrayList<>();
        JsonReader json = strictReader(reader);
        try {
            JsonToken first = json.peek();
            if (first != JsonToken.BEGIN_ARRAY) {
                throw new IllegalArgumentException("Data file " + file + " starts with " + describe(first)
                        + ", but the json format needs an array of objects; if the file has one object per line,"
                        + " set the format to jsonl or name the file .jsonl.");
            }
            json.beginArray();
            while (json.hasNext()) {
                int rowNumber = rows.size() + 1;
                JsonElement element = ELEMENT_ADAPTER.read(json);
                if (!element.isJsonObject()) {
                    throw new IllegalArgumentException("Row " + rowNumber + " of " + file + " is "
                            + describe(element) + ", but the json format needs an array of objects.");
                }
                rows.add(new Row(rowNumber, element.getAsJsonObject()));
            }
            json.endArray();
            if (!isAtEnd(json)) {
                throw new IllegalArgumentException("Malformed JSON in " + file + ": text follows the closing ] of"
                        + " the array after row " + rows.size() + ".");
            }
        } catch (CharacterCodingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalArgumentException("Malformed JSON in " + file + " at row " + (rows.size() + 1) + ": "
                    + describeJsonError(e) + ".", e);
        }
        return rows;
    }

    // CSV.

    private static List<Row> readCsv(Path file, BufferedReader reader) throws IOException {
        CSVParser parser;
        try {
            parser = CSV_FORMAT.parse(reader);
        } catch (CSVException e) {
            throw csvError(file, "its header", e);
        } catch (IllegalArgumentException e) {
            // Commons CSV rejects a header that repeats a column name. Its advice to allow duplicates is cut,
            // because this reader would not know which column to use.
            String error = String.valueOf(e.getMessage());
            int advice = error.indexOf(" If this is valid");
            throw new IllegalArgumentException("Invalid CSV header in " + file + ": "
                    + (advice >= 0 ? error.substring(0, advice) : error) + " Give every column a distinct name.", e);
        }

        List<Row> rows = new ArrayList<>();
        try (parser) {
            List<String> header = parser.getHeaderNames();
            Iterator<CSVRecord> records = parser.iterator();
            while (records.hasNext()) {
                CSVRecord record = records.next();
                int rowNumber = rows.size() + 1;
                if (record.size() != header.size()) {
                    throw new IllegalArgumentException("Row " + rowNumber + " of " + file + " (ending on line "
                            + parser.getCurrentLineNumber() + ") has " + record.size() + " values, but the header has "
                            + header.size() + " columns (" + String.join(", ", header) + "); quote fields that"
                            + " contain commas, line breaks or quotes.");
                }
                JsonObject fields = new JsonObject();
                for (int column = 0; column < header.size(); column++) {
                    if (!header.get(column).isEmpty()) {
                        fields.add(header.get(column), new JsonPrimitive(record.get(column)));
                    }
                }
                rows.add(new Row(rowNumber, fields));
            }
        } catch (UncheckedIOException e) {
            // The record iterator wraps parse and read errors.
            throw csvError(file, "row " + (rows.size() + 1), e.getCause());
        }
        return rows;
    }

    private static RuntimeException csvError(Path file, String where, IOException cause) {
        if (cause instanceof CharacterCodingException coding) {
            return notUtf8(file, coding);
        }
        if (cause instanceof CSVException) {
            return new IllegalArgumentException("Malformed CSV in " + file + " at " + where + ": "
                    + cause.getMessage() + "; check the quoting, where a quote inside a quoted field is written"
                    + " twice (\"\").", cause);
        }
        return new UncheckedIOException("Failed to read data file " + file.toAbsolutePath() + ": "
                + cause.getMessage(), cause);
    }

    // Shared helpers.

    /** Opens a file as strict UTF-8 and skips a leading byte order mark, which editors on Windows write. */
    private static BufferedReader openUtf8(Path file) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        reader.mark(1);
        int first = reader.read();
        if (first != BYTE_ORDER_MARK) {
            reader.reset();
        }
        return reader;
    }

    /** Tests whether only whitespace follows, because a strict reader rejects a second value as malformed. */
    static boolean isAtEnd(JsonReader json) throws CharacterCodingException {
        try {
            return json.peek() == JsonToken.END_DOCUMENT;
        } catch (CharacterCodingException e) {
            throw e;
        } catch (IOException e) {
            return false;
        }
    }

    static JsonReader strictReader(Reader reader) {
        JsonReader json = new JsonReader(reader);
        json.setStrictness(Strictness.STRICT);
        return json;
    }

    private static IllegalArgumentException notUtf8(Path file, CharacterCodingException e) {
        return new IllegalArgumentException("Data file " + file + " is not valid UTF-8 (" + e + "); save it with"
                + " UTF-8 encoding.", e);
    }

    /**
     * Shortens a Gson parse error to its cause and position. Gson suggests lenient parsing, which
     * a user cannot switch on here, and appends a link to its troubleshooting page.
     */
    static String describeJsonError(IOException error) {
        String text = error.getMessage() == null ? error.toString() : error.getMessage();
        text = text.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON");
        int link = text.indexOf("\nSee ");
        return link >= 0 ? text.substring(0, link) : text;
    }

    /** Names the kind of a JSON value for messages, for example "an object" or "a number". */
    static String describe(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return "null";
        }
        if (element.isJsonObject()) {
            return "an object";
        }
        if (element.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            return "a boolean";
        }
        return primitive.isNumber() ? "a number" : "a string";
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_OBJECT -> "an object";
            case BEGIN_ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "nothing (the file is empty)";
            default -> token.toString();
        };
    }
}
