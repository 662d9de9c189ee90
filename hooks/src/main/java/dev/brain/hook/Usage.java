package dev.brain.hook;

/** Token counts of one model: uncached input, cache writes (5 min and 1 h), cache reads, output. */
record Usage(String model, long input, long cacheWrite5m, long cacheWrite1h, long cacheRead, long output) {

    /** Every input token the model read, cached or not: what {@code llm_usage.input_tokens} reports. */
    long allInput() {
        return input + cacheWrite5m + cacheWrite1h + cacheRead;
    }

    long cacheWrite() {
        return cacheWrite5m + cacheWrite1h;
    }

    Usage plus(Usage o) {
        return new Usage(model, input + o.input, cacheWrite5m + o.cacheWrite5m, cacheWrite1h + o.cacheWrite1h,
                cacheRead + o.cacheRead, output + o.output);
    }

    /** Field by field maximum: the lines of one API response repeat input and cache counts, output grows. */
    Usage max(Usage o) {
        return new Usage(model, Math.max(input, o.input), Math.max(cacheWrite5m, o.cacheWrite5m),
                Math.max(cacheWrite1h, o.cacheWrite1h), Math.max(cacheRead, o.cacheRead), Math.max(output, o.output));
    }
}
