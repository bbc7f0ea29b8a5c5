package dev.vireo.daemon.http;

import dev.vireo.daemon.ApiException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps {@code METHOD /path/{parameter}} patterns to handlers. Unknown paths are 404,
 * known paths with another method are 405; both say which endpoints exist.
 */
public final class Router implements HttpServer.Handler {
    private record Route(String method, String[] segments, HttpServer.Handler handler) {}

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, HttpServer.Handler handler) {
        routes.add(new Route(method, split(pattern), handler));
        return this;
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws Exception {
        String[] path = split(request.path());
        boolean pathMatched = false;
        for (Route route : routes) {
            Map<String, String> parameters = match(route.segments, path);
            if (parameters == null) continue;
            pathMatched = true;
            if (route.method.equals(request.method())) return route.handler.handle(request.withPathParameters(parameters));
        }
        if (pathMatched) throw new ApiException(405, request.method() + " is not allowed on " + request.path()
                + "; see /api/openapi.json for the methods each endpoint takes");
        throw ApiException.notFound("no endpoint " + request.path() + "; see /api/openapi.json for the API");
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) return null;
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) parameters.put(p.substring(1, p.length() - 1), java.net.URLDecoder.decode(path[i].replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8));
            else if (!p.equals(path[i])) return null;
        }
        return parameters;
    }

    private static String[] split(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
    }
}
