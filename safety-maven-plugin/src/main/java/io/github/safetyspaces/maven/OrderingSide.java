package io.github.safetyspaces.maven;

/**
 * One side of an {@link OrderingExpectation}: {@code <larger>} or {@code <smaller>}.
 *
 * <pre>{@code
 * <larger>
 *   <where>finetune=harmful</where>
 *   <column>harmfulness</column>
 * </larger>
 * }</pre>
 */
public class OrderingSide {

    /** Row conditions added to the ordering's; leave out on both sides to compare two columns of each row. */
    private String where;

    /** The column read; by default the ordering's {@code <column>}. */
    private String column;

    /** Creates an empty side, which Maven fills from the pom. */
    public OrderingSide() {
    }

    /** Creates a side with both settings, for tests. */
    OrderingSide(String where, String column) {
        this.where = where;
        this.column = column;
    }

    String where() {
        return where;
    }

    String column() {
        return column;
    }
}
