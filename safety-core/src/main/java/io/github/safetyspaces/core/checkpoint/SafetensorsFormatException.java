package io.github.safetyspaces.core.checkpoint;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Signals a safetensors file or checkpoint index whose contents break the format: a bad header
 * length, invalid JSON, a malformed tensor entry, or offsets that do not fit the data.
 *
 * <p>The message names the file, the tensor when the problem belongs to one, and the problem.
 */
public class SafetensorsFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    /**
     * Creates an exception for a problem that belongs to the whole file.
     *
     * @param file the file that was read
     * @param problem what is wrong, as a sentence fragment such as "header length 9 is past the end"
     */
    public SafetensorsFormatException(Path file, String problem) {
        this(file, null, problem, null);
    }

    /**
     * Creates an exception for a problem with one tensor entry, or with the file when {@code tensor}
     * is null.
     *
     * @param file the file that was read
     * @param tensor the tensor name, or null
     * @param problem what is wrong
     */
    public SafetensorsFormatException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    /**
     * Creates an exception that keeps the parser error it was raised for.
     *
     * @param file the file that was read
     * @param tensor the tensor name, or null
     * @param problem what is wrong
     * @param cause the underlying error, or null
     */
    public SafetensorsFormatException(Path file, String tensor, String problem, Throwable cause) {
        super(describe(file, tensor, problem), cause);
        this.file = Objects.requireNonNull(file, "file");
        this.tensor = tensor;
    }

    /**
     * Returns the file whose contents are invalid.
     *
     * @return the path as it was given to the reader
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the tensor whose entry is invalid.
     *
     * @return the tensor name, or empty when the problem belongs to the whole file
     */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }

    private static String describe(Path file, String tensor, String problem) {
        StringBuilder message = new StringBuilder("Invalid safetensors checkpoint ").append(file);
        if (tensor != null) {
            message.append(", tensor '").append(tensor).append('\'');
        }
        return message.append(": ").append(problem).toString();
    }
}
