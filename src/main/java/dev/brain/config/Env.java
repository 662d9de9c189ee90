package dev.brain.config;

import dev.brain.error.InvalidConfig;
import java.util.Map;

/** The environment as typed settings: a blank value is unset, and a value out of its bounds stops start-up. */
record Env(Map<String, String> env) {
    String string(String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    boolean bool(String name, boolean fallback) {
        String v = string(name, String.valueOf(fallback)).toLowerCase();
        return switch (v) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new InvalidConfig(name + " must be true or false, got '" + v + "'");
        };
    }

    int integer(String name, int fallback, int min, int max) {
        return (int) decimal(name, fallback, min, max);
    }

    double decimal(String name, double fallback, double min, double max) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException ex) {
            throw new InvalidConfig(name + " must be a number, got '" + v + "'");
        }
        if (d < min || d > max || Double.isNaN(d)) {
            throw new InvalidConfig(name + " must be between " + min + " and " + max + ", got " + v);
        }
        return d;
    }
}
