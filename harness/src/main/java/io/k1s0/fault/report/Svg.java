package io.k1s0.fault.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Inline SVG charts drawn here so the HTML report needs no script and no network: line charts over time with a
 * shaded window and threshold lines, grouped bars, and points with interval error bars.
 */
final class Svg {

    static final int WIDTH = 560;
    static final int HEIGHT = 240;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 40;

    private Svg() {
    }

    record Point(double x, double y) {
    }

    record Threshold(double y, String label, String color) {
    }

    record Bar(String group, String series, double value, String color) {
    }

    record IntervalPoint(String label, double expected, double actual, double low, double high) {
    }

    /** A time line: x in seconds from run start, shaded {@code [shadeFrom, shadeTo]} (the fault window). */
    static String lineChart(String id, String title, List<Point> points, double xMax, Double shadeFrom, Double shadeTo,
            List<Threshold> thresholds, DoubleFunction<String> yFormat, String color) {
        double yMax = points.stream().mapToDouble(Point::y).max().orElse(0);
        for (Threshold t : thresholds) {
            yMax = Math.max(yMax, t.y());
        }
        yMax = niceCeiling(yMax * 1.1);
        double xm = xMax <= 0 ? 1 : xMax;
        Scale sx = new Scale(0, xm, LEFT, WIDTH - RIGHT);
        Scale sy = new Scale(0, yMax, HEIGHT - BOTTOM, TOP);
        StringBuilder s = open(id, title);
        if (shadeFrom != null && shadeTo != null) {
            double x0 = sx.at(Math.max(0, shadeFrom));
            double x1 = sx.at(Math.min(xm, shadeTo));
            s.append(fmt("<rect class=\"fault-window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f59e0b\" fill-opacity=\"0.16\"/>",
                    x0, TOP, Math.max(1, x1 - x0), HEIGHT - BOTTOM - TOP));
            s.append(fmt("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#b45309\">fault window</text>", x0 + 4, TOP + 12));
        }
        axes(s, sx, sy, yFormat, "seconds since start");
        for (Threshold t : thresholds) {
            double y = sy.at(t.y());
            s.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"5 4\"/>",
                    LEFT, WIDTH - RIGHT, y, y, t.color()));
            s.append(fmt("<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" fill=\"%s\">%s</text>",
                    WIDTH - RIGHT - 2, y - 3, t.color(), Html.escape(t.label())));
        }
        if (!points.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (Point p : points) {
                path.append(path.length() == 0 ? "M" : " L").append(fmt("%.1f %.1f", sx.at(p.x()), sy.at(p.y())));
            }
            s.append(fmt("<path class=\"series\" d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"/>", path, color));
        } else {
            s.append(fmt("<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#6b7280\">no samples</text>", LEFT + 10, HEIGHT / 2));
        }
        return s.append("</svg>").toString();
    }

    /** Grouped bars (one group per phase, one bar per series) with a legend. */
    static String barChart(String id, String title, List<String> groups, List<String> series, List<Bar> bars) {
        // Counts: a multiple of 4 so the four grid steps are whole numbers.
        double yMax = Math.ceil(niceCeiling(Math.max(4, bars.stream().mapToDouble(Bar::value).max().orElse(0) * 1.15)) / 4) * 4;
        Scale sy = new Scale(0, yMax, HEIGHT - BOTTOM, TOP);
        StringBuilder s = open(id, title);
        axes(s, null, sy, Numbers::plain, null);
        double groupWidth = (double) (WIDTH - LEFT - RIGHT) / Math.max(1, groups.size());
        double barWidth = Math.min(48, groupWidth * 0.7 / Math.max(1, series.size()));
        for (int g = 0; g < groups.size(); g++) {
            double gx = LEFT + g * groupWidth + (groupWidth - barWidth * series.size()) / 2;
            s.append(fmt("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#374151\">%s</text>",
                    LEFT + g * groupWidth + groupWidth / 2, HEIGHT - BOTTOM + 16, Html.escape(groups.get(g))));
            for (int k = 0; k < series.size(); k++) {
                String group = groups.get(g);
                String name = series.get(k);
                Bar bar = bars.stream().filter(b -> b.group().equals(group) && b.series().equals(name)).findFirst().orElse(null);
                if (bar == null) {
                    continue;
                }
                double x = gx + k * barWidth;
                double y = sy.at(bar.value());
                s.append(fmt("<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
                        x + 1, y, barWidth - 2, HEIGHT - BOTTOM - y, bar.color(), Html.escape(group), Html.escape(name),
                        Numbers.plain(bar.value())));
                s.append(fmt("<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" fill=\"#111827\">%s</text>",
                        x + barWidth / 2, y - 3, Numbers.plain(bar.value())));
            }
        }
        legend(s, series, bars);
        return s.append("</svg>").toString();
    }

    /**
     * One row per observed fraction, each on its own scale around its configured value, so an interval of a few
     * tenths of a percent stays visible: the point is the observed fraction, the bar its interval, the dashed line
     * the configured fraction.
     */
    static String intervalChart(String id, String title, List<IntervalPoint> items) {
        int rowHeight = 46;
        int labelWidth = 210;
        int height = Math.max(70, TOP + rowHeight * items.size() + 30);
        StringBuilder s = new StringBuilder().append(fmt(
                "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\"><title>%s</title>",
                id, WIDTH, height, WIDTH, height, Html.escape(title), Html.escape(title)));
        if (items.isEmpty()) {
            s.append(fmt("<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#6b7280\">no fraction expectations with an interval</text>",
                    16, TOP + 20));
        }
        for (int i = 0; i < items.size(); i++) {
            IntervalPoint p = items.get(i);
            double lo = Math.min(p.low(), Math.min(p.expected(), p.actual()));
            double hi = Math.max(p.high(), Math.max(p.expected(), p.actual()));
            double pad = Math.max((hi - lo) * 0.35, Math.max(hi, 0.001) * 0.05);
            Scale sx = new Scale(Math.max(0, lo - pad), hi + pad, labelWidth + 10, WIDTH - RIGHT - 135);
            double y = TOP + rowHeight * i + 20;
            s.append(fmt("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#111827\">%s</text>", 8, y + 4,
                    Html.escape(shorten(p.label(), 34))));
            s.append(fmt("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>",
                    sx.at(sx.from), sx.at(sx.to), y, y));
            s.append(fmt("<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\" fill=\"#9ca3af\">%s</text>"
                    + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\" fill=\"#9ca3af\">%s</text>",
                    sx.at(sx.from), y + 18, Numbers.percent(sx.from), sx.at(sx.to), y + 18, Numbers.percent(sx.to)));
            double xe = sx.at(p.expected());
            s.append(fmt("<line class=\"configured\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#6b7280\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>",
                    xe, xe, y - 14, y + 14));
            double x0 = sx.at(p.low());
            double x1 = sx.at(p.high());
            s.append(fmt("<g class=\"error-bar\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#1d4ed8\" stroke-width=\"2\"/>"
                    + "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#1d4ed8\" stroke-width=\"2\"/>"
                    + "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#1d4ed8\" stroke-width=\"2\"/></g>",
                    x0, x1, y, y, x0, x0, y - 7, y + 7, x1, x1, y - 7, y + 7));
            s.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#1d4ed8\"><title>%s: observed %s (%s – %s), configured %s</title></circle>",
                    sx.at(p.actual()), y, Html.escape(p.label()), Numbers.percent(p.actual()), Numbers.percent(p.low()),
                    Numbers.percent(p.high()), Numbers.percent(p.expected())));
            s.append(fmt("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#1d4ed8\">%s</text>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"9\" fill=\"#6b7280\">%s – %s · cfg %s</text>",
                    WIDTH - RIGHT - 112, y - 2, Numbers.percent(p.actual()), WIDTH - RIGHT - 112, y + 11,
                    Numbers.percent(p.low()), Numbers.percent(p.high()), Numbers.percent(p.expected())));
        }
        int ly = height - 10;
        s.append(fmt("<g font-size=\"10\" fill=\"#374151\"><circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#1d4ed8\"/>"
                        + "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#1d4ed8\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">observed with interval</text>"
                        + "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#6b7280\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\">configured</text></g>",
                16, ly - 4, 8, 24, ly - 4, ly - 4, 30, ly, 160, 160, ly - 12, ly + 2, 166, ly));
        return s.append("</svg>").toString();
    }

    private static StringBuilder open(String id, String title) {
        return new StringBuilder().append(fmt(
                "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\"><title>%s</title>",
                id, WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title), Html.escape(title)));
    }

    private static void axes(StringBuilder s, Scale sx, Scale sy, DoubleFunction<String> yFormat, String xLabel) {
        for (int i = 0; i <= 4; i++) {
            double v = sy.from + (sy.to - sy.from) * i / 4;
            double y = sy.at(v);
            s.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>", LEFT, WIDTH - RIGHT, y, y));
            s.append(fmt("<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" fill=\"#6b7280\">%s</text>",
                    LEFT - 6, y + 3, Html.escape(yFormat.apply(v))));
        }
        s.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#9ca3af\"/>", LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, HEIGHT - BOTTOM));
        if (sx != null) {
            for (int i = 0; i <= 5; i++) {
                double v = sx.from + (sx.to - sx.from) * i / 5;
                s.append(fmt("<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#6b7280\">%s</text>",
                        sx.at(v), HEIGHT - BOTTOM + 14, Numbers.plain(Math.round(v))));
            }
            s.append(fmt("<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#6b7280\">%s</text>",
                    (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, Html.escape(xLabel)));
        }
    }

    private static void legend(StringBuilder s, List<String> series, List<Bar> bars) {
        int x = LEFT;
        for (String name : series) {
            String color = bars.stream().filter(b -> b.series().equals(name)).map(Bar::color).findFirst().orElse("#999");
            s.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#374151\">%s</text>",
                    x, HEIGHT - 16, color, x + 14, HEIGHT - 7, Html.escape(name)));
            x += 24 + name.length() * 6;
        }
    }

    private static String shorten(String text, int max) {
        return text.length() <= Math.max(4, max) ? text : text.substring(0, Math.max(4, max) - 1) + "…";
    }

    /** Rounds up to 1, 2, 2.5 or 5 times a power of ten so the axis labels are round numbers. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double at(double v) {
            double span = to - from == 0 ? 1 : to - from;
            return pixelFrom + (v - from) / span * (pixelTo - pixelFrom);
        }
    }
}
