package dev.brain.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;

final class JsonLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient Level threshold;
    private final transient MDCAdapter mdc;

    JsonLogger(String name, Level threshold, MDCAdapter mdc) {
        this.name = name;
        this.threshold = threshold;
        this.mdc = mdc;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    private boolean enabled(Level l) {
        return l.toInt() >= threshold.toInt();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        var line = new StringBuilder(256).append("{\"ts\":\"").append(Instant.now()).append("\",\"level\":\"")
                .append(level).append("\",\"logger\":");
        quote(line, name);
        line.append(",\"msg\":");
        quote(line, MessageFormatter.basicArrayFormat(pattern, args));
        Map<String, String> context = mdc.getCopyOfContextMap();
        if (context != null) {
            for (var e : context.entrySet()) {
                line.append(',');
                quote(line, e.getKey());
                line.append(':');
                quote(line, e.getValue());
            }
        }
        if (t != null) {
            var trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            line.append(",\"error\":");
            quote(line, trace.toString());
        }
        line.append("}\n");
        System.err.print(line);
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
        out.append('"');
    }
}
