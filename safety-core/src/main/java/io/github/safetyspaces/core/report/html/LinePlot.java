package io.github.safetyspaces.core.report.html;

import static io.github.safetyspaces.core.report.html.Html.coordinate;
import static io.github.safetyspaces.core.report.html.Html.escape;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line plot drawn as standalone SVG: a title, x and y axes with ticks and labels, one polyline per
 * series with a marker at each point, and a legend to the right. The axes span exactly the data's
 * minimum and maximum over all series, so the extreme points lie on the axis ends. The SVG uses no
 * script, font file or external reference, so it renders without network access.
 */
public final class LinePlot {

    /** Width of the whole image in pixels. */
    public static final int WIDTH = 620;

    /** Height of the whole image in pixels when the legend fits beside the plot area. */
    public static final int MIN_HEIGHT = 320;

    /** Series colours; a series picks one by index, so related series (a value and its baseline) can share. */
    static final List<String> PALETTE = List.of("#1b6ac9", "#d1495b", "#2e933c", "#e08e0b", "#7b4fb8", "#138a8a",
            "#c0508f", "#555555", "#8c6d31", "#5a8f00", "#1f3b73", "#e5542a");

    /** Series with more points than this are drawn without markers, which would hide the line. */
    static final int MAX_MARKED_POINTS = 60;

    private static final int LEFT = 64;
    private static final int RIGHT = WIDTH - 196;
    private static final int TOP = 34;
    private static final int BOTTOM_MARGIN = 46;
    private static final int LEGEND_ROW = 16;
    private static final int TICK_TARGET = 6;
    /** Labels longer than this overflow the legend column at the 11 px font size. */
    private static final int MAX_LEGEND_CHARACTERS = 30;

    /**
     * A point of a series.
     *
     * @param x the x value
     * @param y the y value
     */
    public record Point(double x, double y) {
    }

    /**
     * One line of the plot.
     *
     * @param label the legend text
     * @param points the points, drawn in the order given; points with a non-finite coordinate are left out
     * @param colorIndex the colour, an index into the palette (taken modulo its size)
     * @param dashed whether the line is dashed, as for a baseline or reference value
     */
    public record Series(String label, List<Point> points, int colorIndex, boolean dashed) {

        /** Keeps only finite points. */
        public Series {
            Objects.requireNonNull(label, "label");
            points = points.stream().filter(point -> Double.isFinite(point.x()) && Double.isFinite(point.y()))
                    .toList();
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private String dashedLegend;

    /**
     * Creates an empty plot.
     *
     * @param title the heading above the plot
     * @param xLabel the x axis label
     * @param yLabel the y axis label
     */
    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /**
     * Adds a series; one without finite points is left out.
     *
     * @param line the series
     * @return this plot
     */
    public LinePlot add(Series line) {
        if (!line.points().isEmpty()) {
            series.add(line);
        }
        return this;
    }

    /**
     * Lists all dashed series under one legend entry, for plots where each solid line has a dashed
     * baseline of the same colour.
     *
     * @param label the entry's text, such as {@code random baseline}
     * @return this plot
     */
    public LinePlot groupDashedInLegend(String label) {
        this.dashedLegend = label;
        return this;
    }

    /** Returns the series that will be drawn, in order. */
    public List<Series> series() {
        return List.copyOf(series);
    }

    /** Returns whether the plot has no point to draw. */
    public boolean isEmpty() {
        return series.isEmpty();
    }

    /**
     * Draws the plot.
     *
     * @return an {@code <svg>} element, well-formed XML
     * @throws IllegalStateException when the plot has no series
     */
    public String toSvg() {
        if (series.isEmpty()) {
            throw new IllegalStateException("The plot '" + title + "' has no series with a finite point.");
        }
        int height = Math.max(MIN_HEIGHT, TOP + legendEntries().size() * LEGEND_ROW + BOTTOM_MARGIN);
        int bottom = height - BOTTOM_MARGIN;
        double[] xRange = range(true);
        double[] yRange = range(false);
        Scale x = new Scale(xRange[0], xRange[1], LEFT, RIGHT);
        Scale y = new Scale(yRange[0], yRange[1], bottom, TOP);

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">\n");
        svg.append("<title>").append(escape(title)).append("</title>\n");
        svg.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" fill=\"#ffffff\"/>\n");
        svg.append("<text class=\"plot-title\" x=\"").append(LEFT).append("\" y=\"20\" font-size=\"13\""
                + " font-weight=\"bold\">").append(escape(title)).append("</text>\n");

        // Ticks and grid lines first, so the data is drawn over them.
        for (BigDecimal tick : AxisTicks.within(x.min, x.max, TICK_TARGET)) {
            String at = coordinate(x.pixel(tick.doubleValue()));
            svg.append("<line class=\"grid\" x1=\"").append(at).append("\" y1=\"").append(TOP).append("\" x2=\"")
                    .append(at).append("\" y2=\"").append(bottom).append("\" stroke=\"#e4e4e4\"/>\n");
            svg.append("<text class=\"x-tick\" x=\"").append(at).append("\" y=\"").append(bottom + 15)
                    .append("\" text-anchor=\"middle\">").append(AxisTicks.label(tick)).append("</text>\n");
        }
        for (BigDecimal tick : AxisTicks.within(y.min, y.max, TICK_TARGET)) {
            String at = coordinate(y.pixel(tick.doubleValue()));
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(at).append("\" x2=\"")
                    .append(RIGHT).append("\" y2=\"").append(at).append("\" stroke=\"#e4e4e4\"/>\n");
            svg.append("<text class=\"y-tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(at)
                    .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">").append(AxisTicks.label(tick))
                    .append("</text>\n");
        }
        svg.append("<line class=\"x-axis\" x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"")
                .append(RIGHT).append("\" y2=\"").append(bottom).append("\" stroke=\"#333333\"/>\n");
        svg.append("<line class=\"y-axis\" x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"")
                .append(LEFT).append("\" y2=\"").append(TOP).append("\" stroke=\"#333333\"/>\n");
        svg.append("<text class=\"x-label\" x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(height - 10)
                .append("\" text-anchor=\"middle\">").append(escape(xLabel)).append("</text>\n");
        int middle = (TOP + bottom) / 2;
        svg.append("<text class=\"y-label\" x=\"14\" y=\"").append(middle).append("\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 14 ").append(middle).append(")\">").append(escape(yLabel))
                .append("</text>\n");

        for (Series line : series) {
            drawSeries(svg, line, x, y);
        }
        drawLegend(svg);
        return svg.append("</svg>\n").toString();
    }

    private static void drawSeries(StringBuilder svg, Series line, Scale x, Scale y) {
        String color = PALETTE.get(Math.floorMod(line.colorIndex(), PALETTE.size()));
        svg.append("<g class=\"series\" data-series=\"").append(escape(line.label())).append("\">\n");
        svg.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.8\"");
        if (line.dashed()) {
            svg.append(" stroke-dasharray=\"6 4\"");
        }
        svg.append(" points=\"");
        List<String> pairs = new ArrayList<>();
        for (Point point : line.points()) {
            pairs.add(coordinate(x.pixel(point.x())) + "," + coordinate(y.pixel(point.y())));
        }
        svg.append(String.join(" ", pairs)).append("\"/>\n");
        if (line.points().size() <= MAX_MARKED_POINTS) {
            for (Point point : line.points()) {
                svg.append("<circle cx=\"").append(coordinate(x.pixel(point.x()))).append("\" cy=\"")
                        .append(coordinate(y.pixel(point.y()))).append("\" r=\"").append(line.dashed() ? "2" : "3")
                        .append("\" fill=\"").append(line.dashed() ? "#ffffff" : color).append("\" stroke=\"")
                        .append(color).append("\"/>\n");
            }
        }
        svg.append("</g>\n");
    }

    /** Returns the legend entries: every series, or the solid ones and one entry for the dashed. */
    private List<Series> legendEntries() {
        if (dashedLegend == null) {
            return series;
        }
        List<Series> entries = new ArrayList<>(series.stream().filter(line -> !line.dashed()).toList());
        if (entries.size() < series.size()) {
            entries.add(new Series(dashedLegend, List.of(), PALETTE.indexOf("#555555"), true));
        }
        return entries;
    }

    private void drawLegend(StringBuilder svg) {
        int left = RIGHT + 14;
        List<Series> entries = legendEntries();
        svg.append("<g class=\"legend\">\n");
        for (int i = 0; i < entries.size(); i++) {
            Series line = entries.get(i);
            String color = PALETTE.get(Math.floorMod(line.colorIndex(), PALETTE.size()));
            int y = TOP + 6 + i * LEGEND_ROW;
            svg.append("<line x1=\"").append(left).append("\" y1=\"").append(y).append("\" x2=\"").append(left + 22)
                    .append("\" y2=\"").append(y).append("\" stroke=\"").append(color).append("\" stroke-width=\"1.8\"");
            if (line.dashed()) {
                svg.append(" stroke-dasharray=\"6 4\"");
            }
            svg.append("/>\n<text x=\"").append(left + 28).append("\" y=\"").append(y)
                    .append("\" dominant-baseline=\"middle\">").append(escape(legendText(line.label()))).append("</text>\n");
        }
        svg.append("</g>\n");
    }

    /** Shortens a label to what fits beside the plot; the series' data-series attribute keeps it whole. */
    static String legendText(String label) {
        return label.length() <= MAX_LEGEND_CHARACTERS ? label : label.substring(0, MAX_LEGEND_CHARACTERS - 3) + "...";
    }

    /** Returns {min, max} of x or y over all series, widened when all values are equal. */
    private double[] range(boolean horizontal) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series line : series) {
            for (Point point : line.points()) {
                double value = horizontal ? point.x() : point.y();
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
        if (max > min) {
            return new double[] {min, max};
        }
        // A single value has no extent: centre it on an axis of width 1, or 20% of its size when larger.
        double half = Math.max(0.5, Math.abs(min) * 0.1);
        return new double[] {min - half, max + half};
    }

    /** Maps data values linearly onto pixels: min to the first pixel end, max to the second. */
    private record Scale(double min, double max, double from, double to) {

        double pixel(double value) {
            return from + (value - min) / (max - min) * (to - from);
        }
    }
}
