package io.github.safetyspaces.core.eval;

import io.github.safetyspaces.core.data.DataSource;
import io.github.safetyspaces.core.data.InstructionData;
import io.github.safetyspaces.core.data.InstructionExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named list of evaluation prompts read from one file.
 *
 * @param name the set's name, for messages and summaries, for example {@code advbench}
 * @param source the file the items were read from
 * @param items the items, at least one, with distinct ids
 */
public record PromptSet(String name, Path source, List<EvalItem> items) {

    private static final Logger LOG = LoggerFactory.getLogger(PromptSet.class);

    /** Checks that the name is not blank, that there is an item, and that ids are distinct. */
    public PromptSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A prompt set from " + source + " needs a name that is not blank.");
        }
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("Prompt set '" + name + "' from " + source + " has no items.");
        }
        Map<String, Integer> rowById = new HashMap<>();
        for (EvalItem item : items) {
            Integer earlier = rowById.putIfAbsent(item.id(), item.row());
            if (earlier != null) {
                throw new IllegalArgumentException("Prompt set '" + name + "' from " + source + " has the id '"
                        + item.id() + "' at rows " + earlier + " and " + item.row() + "; ids must be unique, so fix"
                        + " the id field or read the set without it to use row numbers.");
            }
        }
    }

    /** Returns the number of items. */
    public int size() {
        return items.size();
    }

    /**
     * Reads a prompt set from a file.
     *
     * <p>The file is parsed by {@link InstructionData#read(DataSource)}, once for the prompt and
     * reference fields and once more for each id or metadata field, with the same filters and sample
     * each time, so every read returns the same rows in the same order.
     *
     * @param name the set's name
     * @param source the file and its field mapping
     * @return the set
     * @throws IllegalArgumentException if the file is missing or malformed, a kept row lacks the
     *     prompt or reference field or has a blank prompt, ids repeat, or no row is left; the message
     *     names the file, the row and the field
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public static PromptSet read(String name, PromptSource source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Path file = source.path();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Prompt file of set '" + name + "' not found: " + file.toAbsolutePath()
                    + "; check the path.");
        }

        // NOTE: InstructionData has no public way to read a row's other fields, so each extra field is read
        // as the input field of a further pass over the file. The data package's row reader is package-private.
        String responseField = source.referenceField().orElse(source.promptField());
        List<InstructionExample> base = readPass(name, source, responseField, Optional.empty());
        Set<String> extraFields = new LinkedHashSet<>();
        source.idField().ifPresent(extraFields::add);
        extraFields.addAll(source.metadataFields());
        Map<String, List<InstructionExample>> extraPasses = new LinkedHashMap<>();
        for (String field : extraFields) {
            extraPasses.put(field, readPass(name, source, source.promptField(), Optional.of(field)));
        }

        // A missing field reads as an empty input, so a misspelled field name would pass unnoticed.
        for (Map.Entry<String, List<InstructionExample>> pass : extraPasses.entrySet()) {
            if (pass.getValue().stream().allMatch(row -> row.input().isEmpty())) {
                LOG.warn("Field '{}' of {} is missing or empty in all {} rows read for prompt set '{}'; check the"
                        + " field name", pass.getKey(), file, base.size(), name);
            }
        }

        List<EvalItem> items = new ArrayList<>(base.size());
        for (int i = 0; i < base.size(); i++) {
            InstructionExample row = base.get(i);
            Map<String, String> extra = new LinkedHashMap<>();
            for (Map.Entry<String, List<InstructionExample>> pass : extraPasses.entrySet()) {
                InstructionExample other = pass.getValue().get(i);
                if (other.row() != row.row()) {
                    throw new IllegalStateException("Reading field '" + pass.getKey() + "' of " + file + " returned row "
                            + other.row() + " where the first pass returned row " + row.row() + "; the reads must"
                            + " line up, so report this as a bug.");
                }
                extra.put(pass.getKey(), other.input());
            }
            items.add(toItem(name, source, row, extra));
        }

        LOG.info("Read prompt set '{}': {} items from {}", name, items.size(), source.describe());
        return new PromptSet(name, file, items);
    }

    private static List<InstructionExample> readPass(String name, PromptSource source, String responseField,
            Optional<String> inputField) {
        DataSource.Builder data = DataSource.builder()
                .setPath(source.path())
                .optFormat(source.format())
                .optInstructionField(source.promptField())
                .optResponseField(responseField);
        if (inputField.isPresent()) {
            data.optInputField(inputField.get());
        } else {
            data.optNoInputField();
        }
        source.filters().forEach(data::addFilter);
        source.range().ifPresent(data::optRange);
        if (source.sampleSize().isPresent()) {
            data.optLimit(source.sampleSize().getAsInt()).optSeed(source.seed());
        }
        try {
            return InstructionData.read(data.build());
        } catch (IllegalArgumentException e) {
            // The reader's message speaks of instruction, response and input fields; map them to this set's.
            String mapping = "the instruction field is the prompt field '" + source.promptField() + "'"
                    + (responseField.equals(source.promptField()) ? "" : ", the response field is the reference field '"
                            + responseField + "'")
                    + inputField.map(field -> ", the input field is the field '" + field + "'").orElse("");
            throw new IllegalArgumentException("Failed to read prompt set '" + name + "' from " + source.describe()
                    + " (" + mapping + "): " + e.getMessage(), e);
        }
    }

    private static EvalItem toItem(String name, PromptSource source, InstructionExample row, Map<String, String> extra) {
        String where = "Row " + row.row() + " of " + source.path();
        if (row.instruction().isBlank()) {
            throw new IllegalArgumentException(where + " has a blank prompt in field '" + source.promptField()
                    + "' (prompt set '" + name + "'); fill it in or add a filter that removes the row.");
        }
        Optional<String> reference = source.referenceField().map(field -> row.response());
        String id = String.valueOf(row.row());
        if (source.idField().isPresent()) {
            id = extra.get(source.idField().get());
            if (id.isBlank()) {
                throw new IllegalArgumentException(where + " has no value in the id field '" + source.idField().get()
                        + "' (prompt set '" + name + "'); give every row an id or read the set without an id field.");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String field : source.metadataFields()) {
            metadata.put(field, extra.get(field));
        }
        return new EvalItem(id, row.row(), row.instruction(), reference, metadata);
    }
}
