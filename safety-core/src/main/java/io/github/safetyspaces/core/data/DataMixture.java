package io.github.safetyspaces.core.data;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training set made of several data sources, for example the contaminated set of a fine-tuning
 * study: every useful row plus 20% as many harmful rows, written as the components
 * {@code [useful: all, harmful: ratio 0.2]}.
 *
 * <p>{@link #read()} reads each component's source with {@link InstructionData#read(DataSource)}, so
 * the source's own filters, shuffle and limit apply first. A component whose size is below its
 * number of rows gets a random subset, drawn without replacement by a shuffle whose seed is derived
 * from the mixture's seed and the component's position. Then the combined list is shuffled with the
 * mixture's seed. So the same components and seed always give the same list.
 *
 * @param components the components, at least one. The first cannot have a {@link ComponentSize.Kind#RATIO}
 *     size, because ratios are relative to it.
 * @param seed seed of the draws and of the final shuffle
 */
public record DataMixture(List<MixtureComponent> components, long seed) {

    private static final Logger LOG = LoggerFactory.getLogger(DataMixture.class);

    /** Checks that there is a component and that the first one has no ratio. */
    public DataMixture {
        components = List.copyOf(components);
        if (components.isEmpty()) {
            throw new IllegalArgumentException("A data mixture needs at least one component.");
        }
        MixtureComponent first = components.get(0);
        if (first.size().kind() == ComponentSize.Kind.RATIO) {
            throw new IllegalArgumentException("The first mixture component '" + first.name() + "' has the ratio "
                    + first.size().ratio() + ", but ratios are relative to the first component's rows; give it"
                    + " all or a count.");
        }
    }

    /**
     * Reads, draws and shuffles the examples of all components.
     *
     * @return the examples, in the mixture's seeded order
     * @throws IllegalArgumentException if a source cannot be read (see
     *     {@link InstructionData#read(DataSource)}) or a component has fewer rows than its size requests
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public List<InstructionExample> read() {
        List<InstructionExample> combined = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        int firstComponentRows = 0;
        for (int index = 0; index < components.size(); index++) {
            MixtureComponent component = components.get(index);
            List<InstructionExample> rows = InstructionData.read(component.source());
            int requested = component.size().rowsFor(rows.size(), firstComponentRows);
            if (requested > rows.size()) {
                throw new IllegalArgumentException(tooFewRows(component, requested, rows.size(), firstComponentRows));
            }

            // A draw of fewer rows than available is a seeded subset, without replacement.
            List<InstructionExample> taken = requested == rows.size()
                    ? rows
                    : Shuffles.shuffled(rows, Shuffles.derive(seed, index)).subList(0, requested);
            if (index == 0) {
                firstComponentRows = taken.size();
            }
            combined.addAll(taken);
            summary.add(component.name() + " " + taken.size() + " of " + rows.size());
        }
        List<InstructionExample> mixed = Shuffles.shuffled(combined, seed);
        LOG.info("Mixed {} examples with seed {}: {}", mixed.size(), seed, String.join(", ", summary));
        return mixed;
    }

    private String tooFewRows(MixtureComponent component, int requested, int available, int firstComponentRows) {
        String reason = switch (component.size().kind()) {
            case RATIO -> "ratio " + component.size().ratio() + " of the " + firstComponentRows + " rows of component '"
                    + components.get(0).name() + "'";
            case COUNT -> "count " + component.size().count();
            case ALL -> "all";
        };
        return "Mixture component '" + component.name() + "' requests " + requested + " rows (" + reason + "), but "
                + component.source().describe() + " has only " + available + " after its filters and limit; lower"
                + " the component's count or ratio, or use a larger source.";
    }

    /** Returns a short description of the mixture for logs. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (MixtureComponent component : components) {
            parts.add(component.name() + ": " + component.size());
        }
        return "DataMixture[" + String.join(", ", parts) + ", seed " + seed + "]";
    }
}
