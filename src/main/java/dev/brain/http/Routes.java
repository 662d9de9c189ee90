package dev.brain.http;

import io.javalin.config.RoutesConfig;

/** A feature's HTTP face: it adds its endpoints and names its metric labels. HttpApp knows no feature beyond this. */
public interface Routes {
    void register(RoutesConfig routes);

    /**
     * The metric label for a request path this feature serves, or null when the path is not its own. Labels name
     * routes, never raw paths, so hostile paths cannot blow up the series count.
     */
    String metricLabel(String path);
}
