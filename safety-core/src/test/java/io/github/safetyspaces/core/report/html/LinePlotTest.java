package io.github.safetyspaces.core.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class LinePlotTest {

    private static LinePlot.Point point(double x, double y) {
        return new LinePlot.Point(x, y);
    }

    private static double attribute(Element element, String name) {
        return Double.parseDouble(element.getAttribute(name));
    }

    @Test
    void onePolylinePerSeries() {
        LinePlot plot = new LinePlot("useful: harmfulness", "frac", "harmfulness")
                .add(new LinePlot.Series("top_k / same", List.of(point(0.01, 0.1), point(0.5, 0.2)), 0, false))
                .add(new LinePlot.Series("random / same", List.of(point(0.01, 0.3), point(0.5, 0.1)), 1, false))
                .add(new LinePlot.Series("aligned", List.of(point(0.01, 0.0), point(0.5, 0.0)), 7, true));
        Document svg = SvgDocuments.parse(plot.toSvg());

        List<Element> polylines = SvgDocuments.elements(svg, "polyline");
        assertEquals(3, polylines.size());
        List<String> labels = SvgDocuments.elements(svg, "g").stream()
                .filter(group -> group.getAttribute("class").equals("series"))
                .map(group -> group.getAttribute("data-series")).toList();
        assertEquals(List.of("top_k / same", "random / same", "aligned"), labels);
        assertEquals("", polylines.get(0).getAttribute("stroke-dasharray"));
        assertEquals("6 4", polylines.get(2).getAttribute("stroke-dasharray"));
        assertEquals(6, SvgDocuments.elements(svg, "circle").size(), "one marker per point");
    }

    @Test
    void dataExtremesLieOnAxisEnds() {
        LinePlot plot = new LinePlot("loss", "step", "loss")
                .add(new LinePlot.Series("a", List.of(point(1, 10), point(3, 30)), 0, false))
                .add(new LinePlot.Series("b", List.of(point(2, 5), point(5, 20)), 1, false));
        Document svg = SvgDocuments.parse(plot.toSvg());
        Element xAxis = SvgDocuments.byClass(svg, "line", "x-axis");
        Element yAxis = SvgDocuments.byClass(svg, "line", "y-axis");
        double left = attribute(xAxis, "x1");
        double right = attribute(xAxis, "x2");
        double bottom = attribute(yAxis, "y1");
        double top = attribute(yAxis, "y2");
        assertTrue(left < right, "the x axis points right");
        assertTrue(top < bottom, "the y axis points up");

        List<Element> polylines = SvgDocuments.elements(svg, "polyline");
        List<double[]> a = SvgDocuments.points(polylines.get(0));
        List<double[]> b = SvgDocuments.points(polylines.get(1));
        assertEquals(left, a.get(0)[0], 1e-9, "x minimum 1 at the left end");
        assertEquals(right, b.get(1)[0], 1e-9, "x maximum 5 at the right end");
        assertEquals(bottom, b.get(0)[1], 1e-9, "y minimum 5 at the bottom");
        assertEquals(top, a.get(1)[1], 1e-9, "y maximum 30 at the top");
        // Linear in between: x = 3 lies halfway between 1 and 5.
        assertEquals((left + right) / 2, a.get(1)[0], 0.01);
        // y = 20 lies 15/25 of the way up from 5 to 30.
        assertEquals(bottom - (bottom - top) * 15 / 25, b.get(1)[1], 0.01);
    }

    @Test
    void labelsEscapedAndNonFinitePointsDropped() {
        LinePlot plot = new LinePlot("a <b> & \"c\"", "x", "y")
                .add(new LinePlot.Series("s<1>&", List.of(point(0, 1), point(1, Double.NaN), point(2, 3)), 0, false))
                .add(new LinePlot.Series("only NaN", List.of(point(Double.NaN, 1)), 1, false));
        String text = plot.toSvg();
        Document svg = SvgDocuments.parse(text);
        assertEquals("a <b> & \"c\"", SvgDocuments.elements(svg, "title").get(0).getTextContent());
        List<Element> polylines = SvgDocuments.elements(svg, "polyline");
        assertEquals(1, polylines.size(), "a series without a finite point is left out");
        assertEquals(2, SvgDocuments.points(polylines.get(0)).size());
        assertFalse(text.contains("NaN"), text);
    }

    @Test
    void dashedSeriesShareOneLegendEntryWhenGrouped() {
        LinePlot plot = new LinePlot("MSO", "eta", "MSO").groupDashedInLegend("random baselines")
                .add(new LinePlot.Series("useful - harmful", List.of(point(0.1, 0.5), point(0.5, 0.6)), 0, false))
                .add(new LinePlot.Series("useful - harmful baseline", List.of(point(0.1, 0.01), point(0.5, 0.02)), 0,
                        true))
                .add(new LinePlot.Series("useful - alignment", List.of(point(0.1, 0.4), point(0.5, 0.5)), 1, false))
                .add(new LinePlot.Series("useful - alignment baseline", List.of(point(0.1, 0.01), point(0.5, 0.03)),
                        1, true));
        Document svg = SvgDocuments.parse(plot.toSvg());
        Element legend = SvgDocuments.byClass(svg, "g", "legend");
        List<String> entries = SvgDocuments.elements(svg, "text").stream()
                .filter(text -> text.getParentNode() == legend).map(Element::getTextContent).toList();
        assertEquals(List.of("useful - harmful", "useful - alignment", "random baselines"), entries);
        assertEquals(4, SvgDocuments.elements(svg, "polyline").size());
    }

    @Test
    void singleValueGetsAnAxisOfWidthOne() {
        LinePlot plot = new LinePlot("flat", "x", "y")
                .add(new LinePlot.Series("s", List.of(point(2, 0.5), point(2, 0.5)), 0, false));
        Document svg = SvgDocuments.parse(plot.toSvg());
        double[] only = SvgDocuments.points(SvgDocuments.elements(svg, "polyline").get(0)).get(0);
        Element xAxis = SvgDocuments.byClass(svg, "line", "x-axis");
        assertEquals((attribute(xAxis, "x1") + attribute(xAxis, "x2")) / 2, only[0], 0.01, "centred");
    }

    @Test
    void emptyPlotRejected() {
        LinePlot plot = new LinePlot("nothing", "x", "y");
        assertTrue(plot.isEmpty());
        assertThrows(IllegalStateException.class, plot::toSvg);
    }
}
