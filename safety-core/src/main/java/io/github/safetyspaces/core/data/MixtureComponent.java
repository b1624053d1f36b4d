package io.github.safetyspaces.core.data;

import java.util.Objects;

/**
 * One data source of a {@link DataMixture} and how many of its rows to take.
 *
 * @param name the component's name in messages and logs, for example {@code harmful}
 * @param source the data file and how to read it
 * @param size how many rows to take
 */
public record MixtureComponent(String name, DataSource source, ComponentSize size) {

    /** Checks that the name is not blank. */
    public MixtureComponent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(size, "size");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A mixture component needs a name, got a blank one for "
                    + source.path() + ".");
        }
    }

    /**
     * Returns a component that takes every row of a source, named after the source's file.
     *
     * @param source the data source
     * @return the component
     */
    public static MixtureComponent all(DataSource source) {
        return new MixtureComponent(String.valueOf(source.path().getFileName()), source, ComponentSize.all());
    }
}
