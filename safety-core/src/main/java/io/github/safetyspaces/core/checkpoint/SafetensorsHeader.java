package io.github.safetyspaces.core.checkpoint;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parsed JSON header of a safetensors file: tensor entries in header order and the free-form
 * {@code __metadata__} strings.
 *
 * <p>The parser reads the JSON as a stream so that it keeps the header order, rejects duplicate
 * keys (a map-based parser would keep one of them silently) and can name the tensor whose entry is
 * wrong. Unknown fields inside a tensor entry are skipped, so that additions to the format do not
 * break reading.
 *
 * @param tensors tensor entries by name, in header order
 * @param metadata the {@code __metadata__} map, empty when the header has none
 */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {

    /** Key of the free-form string map in the header, the one key that is not a tensor. */
    static final String METADATA_KEY = "__metadata__";

    private static final Logger LOG = LoggerFactory.getLogger(SafetensorsHeader.class);

    SafetensorsHeader {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Parses and validates a header against the size of the data section that follows it.
     *
     * @param file the file the header came from, for error messages
     * @param headerBytes the N header bytes, UTF-8 JSON possibly padded with spaces
     * @param dataLength the number of bytes after the header
     * @return the header
     * @throws SafetensorsFormatException if the header breaks the format in any way
     */
    static SafetensorsHeader parse(Path file, byte[] headerBytes, long dataLength) {
        String json = decodeUtf8(file, headerBytes);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            JsonToken first = reader.peek();
            if (first != JsonToken.BEGIN_OBJECT) {
                throw new SafetensorsFormatException(file, "the JSON header is " + describe(first)
                        + " but must be an object that maps tensor names to entries");
            }

            reader.beginObject();
            boolean sawMetadata = false;
            while (reader.hasNext()) {
                String key = reader.nextName();
                if (key.equals(METADATA_KEY)) {
                    if (sawMetadata) {
                        throw new SafetensorsFormatException(file, "the header has two " + METADATA_KEY + " keys");
                    }
                    sawMetadata = true;
                    readMetadata(file, reader, metadata);
                } else {
                    if (tensors.containsKey(key)) {
                        throw new SafetensorsFormatException(file, key, "the header lists this tensor twice");
                    }
                    tensors.put(key, readEntry(file, reader, key, dataLength));
                }
            }
            reader.endObject();

            // Padding spaces count as JSON whitespace, so anything else after the object is an error.
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new SafetensorsFormatException(file, "the JSON header has content after its closing brace");
            }
        } catch (IOException e) {
            // A StringReader throws only once closed, so this is a MalformedJsonException or an
            // EOFException from the parser.
            throw new SafetensorsFormatException(file, null,
                    "the header is not valid JSON: " + describeJsonError(e), e);
        }

        checkNoOverlap(file, tensors);
        return new SafetensorsHeader(tensors, metadata);
    }

    private static String decodeUtf8(Path file, byte[] headerBytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(file, null, "the header is not valid UTF-8 (" + e + ")", e);
        }
    }

    private static void readMetadata(Path file, JsonReader reader, Map<String, String> metadata) throws IOException {
        JsonToken token = reader.peek();
        if (token == JsonToken.NULL) {
            reader.nextNull();
            return;
        }
        if (token != JsonToken.BEGIN_OBJECT) {
            throw new SafetensorsFormatException(file, METADATA_KEY + " is " + describe(token)
                    + " but must be an object of string values");
        }
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            JsonToken value = reader.peek();
            if (value != JsonToken.STRING) {
                throw new SafetensorsFormatException(file, METADATA_KEY + " value of '" + key + "' is "
                        + describe(value) + " but must be a string");
            }
            if (metadata.put(key, reader.nextString()) != null) {
                throw new SafetensorsFormatException(file, METADATA_KEY + " has the key '" + key + "' twice");
            }
        }
        reader.endObject();
    }

    private static TensorInfo readEntry(Path file, JsonReader reader, String name, long dataLength)
            throws IOException {
        JsonToken token = reader.peek();
        if (token != JsonToken.BEGIN_OBJECT) {
            throw new SafetensorsFormatException(file, name, "the entry is " + describe(token)
                    + " but must be an object with dtype, shape and data_offsets");
        }

        // Read the three fields in any order.
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        reader.beginObject();
        while (reader.hasNext()) {
            String field = reader.nextName();
            switch (field) {
                case "dtype" -> {
                    requireFirst(file, name, field, dtypeName);
                    dtypeName = readString(file, reader, name, field);
                }
                case "shape" -> {
                    requireFirst(file, name, field, shape);
                    shape = readLongArray(file, reader, name, field);
                }
                case "data_offsets" -> {
                    requireFirst(file, name, field, offsets);
                    offsets = readLongArray(file, reader, name, field);
                }
                default -> {
                    LOG.debug("Skipping unknown field '{}' of tensor '{}' in {}", field, name, file);
                    reader.skipValue();
                }
            }
        }
        reader.endObject();

        List<String> missing = new ArrayList<>();
        if (dtypeName == null) {
            missing.add("dtype");
        }
        if (shape == null) {
            missing.add("shape");
        }
        if (offsets == null) {
            missing.add("data_offsets");
        }
        if (!missing.isEmpty()) {
            throw new SafetensorsFormatException(file, name, "the entry is missing the field(s) "
                    + String.join(", ", missing));
        }

        return validateEntry(file, name, dtypeName, shape, offsets, dataLength);
    }

    private static TensorInfo validateEntry(Path file, String name, String dtypeName, long[] shape,
            long[] offsets, long dataLength) {
        SafetensorsDType dtype = SafetensorsDType.fromName(dtypeName).orElseThrow(() ->
                new SafetensorsFormatException(file, name, "unknown dtype '" + dtypeName + "'; known dtypes are "
                        + SafetensorsDType.knownNames()));

        for (long dimension : shape) {
            if (dimension < 0) {
                throw new SafetensorsFormatException(file, name, "negative dimension " + dimension + " in shape "
                        + Arrays.toString(shape));
            }
        }
        long expectedBytes;
        try {
            expectedBytes = TensorInfo.byteLength(dtype, shape);
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, name, "shape " + Arrays.toString(shape)
                    + " has more bytes than a 64-bit size can count", e);
        }

        if (offsets.length != 2) {
            throw new SafetensorsFormatException(file, name, "data_offsets " + Arrays.toString(offsets)
                    + " must have exactly two entries, [begin, end]");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < 0) {
            throw new SafetensorsFormatException(file, name, "data_offsets " + Arrays.toString(offsets)
                    + " contain a negative offset");
        }
        if (begin > end) {
            throw new SafetensorsFormatException(file, name, "data_offsets " + Arrays.toString(offsets)
                    + " are invalid: begin is after end");
        }
        if (end > dataLength) {
            throw new SafetensorsFormatException(file, name, "data_offsets end " + end
                    + " is past the end of the data section, which has " + dataLength
                    + " bytes; the file is truncated or the offsets are wrong");
        }
        if (end - begin != expectedBytes) {
            throw new SafetensorsFormatException(file, name, "data_offsets " + Arrays.toString(offsets) + " span "
                    + (end - begin) + " bytes but dtype " + dtype + " with shape " + Arrays.toString(shape)
                    + " needs " + expectedBytes + " bytes");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /**
     * Rejects two tensors that share bytes, so that writing one can never change the other.
     * Gaps between tensors and bytes after the last one are accepted, unlike in the Rust
     * safetensors reader, because they leave no tensor ambiguous.
     */
    private static void checkNoOverlap(Path file, Map<String, TensorInfo> tensors) {
        List<TensorInfo> byBegin = new ArrayList<>();
        for (TensorInfo info : tensors.values()) {
            // An empty range contains no bytes, so it cannot overlap anything.
            if (info.byteLength() > 0) {
                byBegin.add(info);
            }
        }
        byBegin.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < byBegin.size(); i++) {
            TensorInfo previous = byBegin.get(i - 1);
            TensorInfo current = byBegin.get(i);
            if (current.begin() < previous.end()) {
                throw new SafetensorsFormatException(file, current.name(), "data_offsets [" + current.begin() + ", "
                        + current.end() + "] overlap those of tensor '" + previous.name() + "' ["
                        + previous.begin() + ", " + previous.end() + "]");
            }
        }
    }

    private static void requireFirst(Path file, String name, String field, Object previousValue) {
        if (previousValue != null) {
            throw new SafetensorsFormatException(file, name, "the entry has the field " + field + " twice");
        }
    }

    private static String readString(Path file, JsonReader reader, String name, String field) throws IOException {
        JsonToken token = reader.peek();
        if (token != JsonToken.STRING) {
            throw new SafetensorsFormatException(file, name, field + " is " + describe(token)
                    + " but must be a string");
        }
        return reader.nextString();
    }

    private static long[] readLongArray(Path file, JsonReader reader, String name, String field)
            throws IOException {
        JsonToken token = reader.peek();
        if (token != JsonToken.BEGIN_ARRAY) {
            throw new SafetensorsFormatException(file, name, field + " is " + describe(token)
                    + " but must be an array of integers");
        }
        List<Long> values = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            JsonToken element = reader.peek();
            if (element != JsonToken.NUMBER) {
                throw new SafetensorsFormatException(file, name, field + "[" + values.size() + "] is "
                        + describe(element) + " but must be an integer");
            }
            // In strict mode nextString returns the number's literal text, so 2.0, 1e3 and values
            // past the long range are rejected here instead of being rounded.
            String literal = reader.nextString();
            try {
                values.add(Long.parseLong(literal));
            } catch (NumberFormatException e) {
                throw new SafetensorsFormatException(file, name, field + "[" + values.size() + "] is " + literal
                        + " but must be an integer in the 64-bit signed range", e);
            }
        }
        reader.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
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

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "empty";
            default -> token.toString();
        };
    }
}
