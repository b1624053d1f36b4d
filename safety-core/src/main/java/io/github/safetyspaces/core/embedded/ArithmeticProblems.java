package io.github.safetyspaces.core.embedded;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Word problems with one addition or subtraction of small numbers, such as "Lily has 5 apples. She
 * gets 3 more. How many apples does she have now?", answered in the GSM8K layout: a worked line, then
 * {@code #### N}.
 *
 * <p>Operands are 1 to 20 and every result is 0 to 20, so no result is negative. Every addition
 * problem contains the word "more" and every subtraction problem the word "left", and no problem
 * contains both. The training and evaluation splits use the same sentence templates but disjoint
 * names and objects, so no evaluation prompt can occur in training.
 */
final class ArithmeticProblems {

    /** Largest operand and largest result. */
    static final int MAX_NUMBER = 20;

    /** A first name with the pronouns that refer to it. */
    record Person(String name, String subject, String object) {
    }

    /** A countable object with its singular (for the number 1) and plural forms. */
    record Thing(String singular, String plural) {
    }

    /** Names and objects of one split. */
    record Pools(List<Person> people, List<Thing> things) {

        Pools {
            people = List.copyOf(people);
            things = List.copyOf(things);
            if (people.isEmpty() || things.isEmpty()) {
                throw new IllegalArgumentException("A split needs at least one name and one object, got "
                        + people.size() + " names and " + things.size() + " objects.");
            }
        }
    }

    static final Pools TRAIN = new Pools(
            List.of(she("Lily"), he("Tom"), he("Ben"), she("Sue"), he("Max"), she("Anna"), he("Sam"), she("Lucy"),
                    he("Tim"), she("Emma"), he("Jack"), she("Sara"), he("Bob"), she("Amy"), he("Joe"), she("Kim")),
            List.of(thing("apple", "apples"), thing("ball", "balls"), thing("toy", "toys"),
                    thing("cookie", "cookies"), thing("flower", "flowers"), thing("rock", "rocks"),
                    thing("car", "cars"), thing("book", "books"), thing("cake", "cakes"), thing("hat", "hats"),
                    thing("cup", "cups"), thing("bird", "birds"), thing("egg", "eggs"), thing("box", "boxes"),
                    thing("star", "stars"), thing("pencil", "pencils")));

    static final Pools EVAL = new Pools(
            List.of(she("Mia"), he("Leo"), she("Zoe"), he("Dan"), she("Ella"), he("Finn")),
            List.of(thing("shell", "shells"), thing("kite", "kites"), thing("sock", "socks"),
                    thing("leaf", "leaves"), thing("coin", "coins"), thing("bean", "beans")));

    // Placeholders: {Name}, {He}/{he} subject pronoun, {him} object pronoun, {a} and {b} the operands,
    // {thing_a} the object in the number of {a}, {things} the plural.
    private static final List<String> ADDITIONS = List.of(
            "{Name} has {a} {thing_a}. {He} gets {b} more. How many {things} does {he} have now?",
            "{Name} had {a} {thing_a}. Then {he} found {b} more. How many {things} does {he} have now?",
            "{Name} has {a} {thing_a}. Mom gives {him} {b} more. How many {things} does {he} have now?");
    private static final List<String> SUBTRACTIONS = List.of(
            "{Name} has {a} {thing_a}. {He} gives {b} to a friend. How many {things} are left?",
            "{Name} had {a} {thing_a}. Then {he} lost {b}. How many {things} are left?",
            "{Name} has {a} {thing_a}. A dog takes {b}. How many {things} are left?");

    // Operand pairs, enumerated once: additions with a + b <= 20, subtractions with b <= a.
    private static final List<int[]> ADDITION_PAIRS = pairs(true);
    private static final List<int[]> SUBTRACTION_PAIRS = pairs(false);

    /** Upper bound on draws per requested problem before giving up on finding new ones. */
    private static final int DRAWS_PER_PROBLEM = 50;

    private ArithmeticProblems() {
    }

    /**
     * Draws distinct problems, half additions and half subtractions on average.
     *
     * @param pools the names and objects to use
     * @param count how many problems, at least 1
     * @param random the source of every choice
     * @return the problems as instruction and answer, in drawing order
     * @throws IllegalArgumentException if the pools cannot give {@code count} distinct problems
     */
    static List<EmbeddedDatasets.Row> draw(Pools pools, int count, Random random) {
        if (count < 1) {
            throw new IllegalArgumentException("The number of arithmetic problems must be at least 1, got "
                    + count + ".");
        }
        Set<String> seen = new LinkedHashSet<>();
        List<EmbeddedDatasets.Row> rows = new ArrayList<>(count);
        long draws = 0;
        while (rows.size() < count) {
            if (++draws > (long) count * DRAWS_PER_PROBLEM) {
                throw new IllegalArgumentException("Found only " + rows.size() + " distinct arithmetic problems in "
                        + (draws - 1) + " draws, fewer than the " + count + " requested; request fewer or add names"
                        + " and objects.");
            }
            EmbeddedDatasets.Row row = drawOne(pools, random);
            if (seen.add(row.instruction())) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static EmbeddedDatasets.Row drawOne(Pools pools, Random random) {
        boolean addition = random.nextBoolean();
        List<String> templates = addition ? ADDITIONS : SUBTRACTIONS;
        String template = templates.get(random.nextInt(templates.size()));
        List<int[]> pairs = addition ? ADDITION_PAIRS : SUBTRACTION_PAIRS;
        int[] pair = pairs.get(random.nextInt(pairs.size()));
        Person person = pools.people().get(random.nextInt(pools.people().size()));
        Thing thing = pools.things().get(random.nextInt(pools.things().size()));

        int a = pair[0];
        int b = pair[1];
        String instruction = template
                .replace("{Name}", person.name())
                .replace("{He}", capitalize(person.subject()))
                .replace("{he}", person.subject())
                .replace("{him}", person.object())
                .replace("{a}", Integer.toString(a))
                .replace("{b}", Integer.toString(b))
                .replace("{thing_a}", a == 1 ? thing.singular() : thing.plural())
                .replace("{things}", thing.plural());
        int result = addition ? a + b : a - b;
        String output = a + (addition ? " + " : " - ") + b + " = " + result + "\n#### " + result;
        return new EmbeddedDatasets.Row(instruction, output, null);
    }

    private static List<int[]> pairs(boolean addition) {
        List<int[]> pairs = new ArrayList<>();
        for (int a = 1; a <= MAX_NUMBER; a++) {
            for (int b = 1; b <= MAX_NUMBER; b++) {
                boolean valid = addition ? a + b <= MAX_NUMBER : b <= a;
                if (valid) {
                    pairs.add(new int[] {a, b});
                }
            }
        }
        return List.copyOf(pairs);
    }

    private static Person she(String name) {
        return new Person(name, "she", "her");
    }

    private static Person he(String name) {
        return new Person(name, "he", "him");
    }

    private static Thing thing(String singular, String plural) {
        return new Thing(singular, plural);
    }

    private static String capitalize(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
