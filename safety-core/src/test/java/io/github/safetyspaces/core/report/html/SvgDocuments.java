package io.github.safetyspaces.core.report.html;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** Parses SVG text with the JDK's XML parser, which fails on anything that is not well-formed. */
final class SvgDocuments {

    private SvgDocuments() {
    }

    static Document parse(String svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("The SVG is not well-formed XML: " + e.getMessage() + "\n" + svg, e);
        }
    }

    /** Returns the elements of a tag name, in document order. */
    static List<Element> elements(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    /** Returns the single element with a class attribute. */
    static Element byClass(Document document, String tag, String cssClass) {
        List<Element> matches = elements(document, tag).stream()
                .filter(element -> cssClass.equals(element.getAttribute("class"))).toList();
        if (matches.size() != 1) {
            throw new AssertionError(matches.size() + " <" + tag + " class=\"" + cssClass + "\"> elements");
        }
        return matches.get(0);
    }

    /** Splits a polyline's points attribute into {x, y} pairs. */
    static List<double[]> points(Element polyline) {
        List<double[]> points = new ArrayList<>();
        for (String pair : polyline.getAttribute("points").trim().split("\\s+")) {
            String[] xy = pair.split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return points;
    }
}
